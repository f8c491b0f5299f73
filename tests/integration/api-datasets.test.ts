/**
 * The dataset and connector-check routes against a real platform: a generator -> transform
 * pipeline runs twice, so there are published versions of two datasets from two runs.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, type ApiHarness } from './api-helpers.ts';

const SPEC = {
  id: 'gen',
  tasks: [
    { id: 'make', kind: 'source', outputs: ['events'], config: { connector: { type: 'generator', seed: 1, count: 50 } } },
    { id: 'agg', kind: 'transform', inputs: ['events'], outputs: ['by_type'], config: { steps: [{ aggregate: { group_by: ['event_type'], metrics: { n: 'count' } } }] } },
  ],
};

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let api: ApiHarness;
/** The first and the second run of the pipeline. */
let firstRun: string;
let secondRun: string;

async function runPipeline(): Promise<string> {
  const { run } = (await api.call('POST', '/api/v1/pipelines/gen/execute', {})).json();
  const done = await api.platform.waitForRun(run.id);
  expect(done.status, done.error ?? '').toBe('succeeded');
  return run.id as string;
}

/** The issue paths of a 4xx body. */
function issuePaths(body: { error: { details: { issues?: Array<{ path: string }> } } }): string[] {
  return (body.error.details.issues ?? []).map((issue) => issue.path);
}

beforeAll(async () => {
  api = await openApi();
  expect((await api.call('POST', '/api/v1/pipelines', { spec: SPEC })).statusCode).toBe(201);
  firstRun = await runPipeline();
  secondRun = await runPipeline();
});

afterAll(async () => {
  await api?.close();
});

describe('GET /api/v1/datasets', () => {
  it('lists every published dataset by name with its latest version and row count', async () => {
    const res = await api.call('GET', '/api/v1/datasets');
    expect(res.statusCode).toBe(200);
    const { datasets } = res.json();
    expect(datasets.map((d: { name: string }) => d.name)).toEqual(['by_type', 'events']);
    expect(datasets[1]).toEqual({ name: 'events', pipelineId: 'gen', latestVersionId: expect.any(String), rows: 50, updatedAt: expect.stringMatching(ISO_TIME) });
  });
});

describe('GET /api/v1/datasets/{name}', () => {
  it('gives the dataset with its versions, newest first, and honours ?limit', async () => {
    const res = await api.call('GET', '/api/v1/datasets/by_type');
    expect(res.statusCode).toBe(200);
    const { dataset, versions } = res.json();
    expect(dataset).toMatchObject({ name: 'by_type', pipelineId: 'gen' });
    expect(versions.map((v: { runId: string }) => v.runId)).toEqual([secondRun, firstRun]);
    expect(versions[0]).toMatchObject({ id: dataset.latestVersionId, taskId: 'agg', status: 'published', inputs: [{ dataset: 'events' }] });
    expect(versions[0].schema.map((c: { name: string }) => c.name)).toEqual(['event_type', 'n']);

    const limited = await api.call('GET', '/api/v1/datasets/by_type?limit=1');
    expect(limited.json().versions).toHaveLength(1);
  });

  it('answers an unknown dataset with 404 and a bad limit with 400, both as JSON errors', async () => {
    const missing = await api.call('GET', '/api/v1/datasets/ghost');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: "dataset 'ghost' not found", details: { kind: 'dataset', id: 'ghost' } } });

    const bad = await api.call('GET', '/api/v1/datasets/by_type?limit=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(bad.json())).toEqual(['query.limit']);
  });
});

describe('GET /api/v1/datasets/{name}/versions', () => {
  it('filters versions by run and by status', async () => {
    const byRun = (await api.call('GET', `/api/v1/datasets/events/versions?run=${firstRun}`)).json();
    expect(byRun.versions).toHaveLength(1);
    expect(byRun.versions[0]).toMatchObject({ runId: firstRun, taskId: 'make', dataset: 'events', rows: 50 });

    const published = (await api.call('GET', '/api/v1/datasets/events/versions?status=published,staged&limit=10')).json();
    expect(published.versions).toHaveLength(2);
    const rejected = await api.call('GET', '/api/v1/datasets/events/versions?status=rejected');
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().versions).toEqual([]);
  });

  it('refuses a bad status or limit with the path of each problem, and an unknown dataset with 404', async () => {
    const bad = await api.call('GET', '/api/v1/datasets/events/versions?status=published,bogus&limit=0');
    expect(bad.statusCode).toBe(400);
    expect(issuePaths(bad.json()).sort()).toEqual(['query.limit', 'query.status[1]']);
    expect((await api.call('GET', '/api/v1/datasets/ghost/versions')).statusCode).toBe(404);
  });
});

describe('GET /api/v1/datasets/{name}/preview', () => {
  it('gives the latest version with columns and JSON-safe rows: times as ISO strings, structs as objects', async () => {
    const res = await api.call('GET', '/api/v1/datasets/events/preview?limit=5');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.dataset).toBe('events');
    expect(body.version.runId).toBe(secondRun);
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['event_id', 'event_type', 'timestamp', 'user']));
    expect(body.rows).toHaveLength(5);
    expect(body.rows[0].timestamp).toMatch(ISO_TIME);
    expect(body.rows[0].user).toEqual(expect.objectContaining({ id: expect.any(String) }));
  });

  it('picks the version a run wrote with ?run=, or one version with ?version=', async () => {
    const byRun = (await api.call('GET', `/api/v1/datasets/by_type/preview?run=${firstRun}&limit=100`)).json();
    expect(byRun.version.runId).toBe(firstRun);
    expect(byRun.rows.reduce((sum: number, row: { n: number }) => sum + row.n, 0)).toBe(50);

    const byId = (await api.call('GET', `/api/v1/datasets/by_type/preview?version=${byRun.version.id}&limit=1`)).json();
    expect(byId.version.id).toBe(byRun.version.id);
    expect(byId.rows).toHaveLength(1);
  });

  it('pages with ?offset=', async () => {
    const tail = (await api.call('GET', '/api/v1/datasets/events/preview?offset=48&limit=10')).json();
    expect(tail.rows).toHaveLength(2);
  });

  it('answers unknown datasets, runs and versions with 404 and bad paging with 400', async () => {
    expect((await api.call('GET', '/api/v1/datasets/ghost/preview')).statusCode).toBe(404);
    const noRun = await api.call('GET', '/api/v1/datasets/events/preview?run=not-a-run');
    expect(noRun.statusCode).toBe(404);
    expect(noRun.json().error.code).toBe('NOT_FOUND');
    expect((await api.call('GET', '/api/v1/datasets/events/preview?version=nope')).statusCode).toBe(404);
    const bad = await api.call('GET', '/api/v1/datasets/events/preview?limit=0&offset=-1');
    expect(bad.statusCode).toBe(400);
    expect(issuePaths(bad.json()).sort()).toEqual(['query.limit', 'query.offset']);
  });
});

describe('GET /api/v1/datasets/{name}/schema', () => {
  it('gives the columns of the latest version, or of the version a run wrote', async () => {
    const res = await api.call('GET', '/api/v1/datasets/by_type/schema');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.dataset).toBe('by_type');
    expect(body.version.runId).toBe(secondRun);
    expect(body.columns).toEqual([expect.objectContaining({ name: 'event_type', type: 'VARCHAR' }), expect.objectContaining({ name: 'n', type: 'BIGINT' })]);
    expect((await api.call('GET', `/api/v1/datasets/by_type/schema?run=${firstRun}`)).json().version.runId).toBe(firstRun);
    expect((await api.call('GET', '/api/v1/datasets/ghost/schema')).statusCode).toBe(404);
  });
});

describe('GET /api/v1/connectors/{type}', () => {
  it('gives one connector type with its capabilities and config schema, or 404', async () => {
    const res = await api.call('GET', '/api/v1/connectors/postgres');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: 'postgres', capabilities: { read: true, write: true, discover: true }, secretFields: ['password', 'url'] });
    expect(res.json().configSchema.properties.url).toBeDefined();
    const missing = await api.call('GET', '/api/v1/connectors/teleport');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });
});

describe('POST /api/v1/connectors/test', () => {
  beforeAll(() => {
    // A real SQLite file with one table, for a check that passes and a discovery that finds it.
    const db = new BetterSqlite3(path.join(api.home, 'app.db'));
    db.exec('create table customers (id integer primary key, email text not null)');
    db.close();
  });

  it('checks a good SQLite config and, with discover, lists its tables', async () => {
    const res = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'sqlite', path: path.join(api.home, 'app.db') }, discover: true });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ type: 'sqlite', ok: true, message: expect.stringContaining('app.db') });
    expect(body.error).toBeUndefined();
    expect(body.relations).toEqual([{ name: 'customers', columns: [expect.objectContaining({ name: 'id' }), expect.objectContaining({ name: 'email', type: 'VARCHAR' })] }]);
  });

  it('resolves a relative path against baseDir', async () => {
    const res = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'sqlite', path: 'app.db' }, baseDir: api.home });
    expect(res.json()).toMatchObject({ ok: true });
    expect(res.json().relations).toBeUndefined();
  });

  it('answers an invalid config with 400 naming the field path', async () => {
    const res = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'sqlite', path: 5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(res.json())).toEqual(['connector.path']);
    expect(res.json().error.message).toContain('connector.path: expected a string, got number 5');

    const unknown = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'teleport' } });
    expect(unknown.statusCode).toBe(400);
    expect(issuePaths(unknown.json())).toEqual(['connector.type']);

    const noType = await api.call('POST', '/api/v1/connectors/test', { connector: { path: 'x.db' } });
    expect(noType.statusCode).toBe(400);
    expect(issuePaths(noType.json())).toEqual(['body.connector.type']);

    // A missing file is the config's fault: the connector says so with a ValidationError.
    const noFile = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'sqlite', path: path.join(api.home, 'missing.db') } });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.message).toContain('does not exist');
  });

  it('answers an unset ${env:NAME} with 400 at its path, and never echoes a resolved secret', async () => {
    const unset = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'sqlite', path: '${env:DD_TEST_UNSET_VARIABLE}' } });
    expect(unset.statusCode).toBe(400);
    expect(issuePaths(unset.json())).toEqual(['connector.path']);

    process.env.DD_TEST_SECRET_DB = 'super-secret-name.db';
    try {
      const res = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'sqlite', path: '${env:DD_TEST_SECRET_DB}' }, baseDir: api.home });
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('super-secret-name');
    } finally {
      delete process.env.DD_TEST_SECRET_DB;
    }
  });

  it('answers an unreachable PostgreSQL with 200 ok:false and the error, without the password', async () => {
    const res = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'postgres', url: 'postgres://postgres:hunter22@127.0.0.1:1/x', connect_timeout_ms: 5000 } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ type: 'postgres', ok: false, error: { code: 'ECONNREFUSED', message: expect.stringContaining('127.0.0.1:1') } });
    expect(res.body).not.toContain('hunter22');

    const plain = await api.call('POST', '/api/v1/connectors/test', { connector: { type: 'postgres', url: 'postgres://postgres@127.0.0.1:1/x' }, discover: true });
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toMatchObject({ ok: false, error: { code: 'ECONNREFUSED' } });
    expect(plain.json().relations).toBeUndefined();
  });
});

describe('OpenAPI', () => {
  it('documents the dataset and connector routes with their query parameters', async () => {
    const doc = (await api.call('GET', '/openapi.json')).json();
    const names = (route: string) => doc.paths[route].get.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
    expect(names('/api/v1/datasets/{name}/preview')).toEqual(['run', 'version', 'limit', 'offset']);
    expect(names('/api/v1/datasets/{name}/versions')).toEqual(['run', 'status', 'limit']);
    expect(doc.paths['/api/v1/datasets'].get.tags).toEqual(['datasets']);
    expect(doc.paths['/api/v1/connectors/test'].post.responses['400']).toBeDefined();
    expect(doc.paths['/api/v1/connectors/{type}'].get.responses['404']).toBeDefined();
    expect(doc.components.schemas.DatasetVersion).toBeDefined();
  });
});
