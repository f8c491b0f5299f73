/**
 * Write-audit-publish end to end: real pipelines on a temp-dir platform whose data tasks carry
 * `checks`, the results read back through the store, the API route and the CLI command (local
 * mode on the same home, and remote mode against the API server), and the standalone `check` task.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { createProgram } from '../../src/cli/main.ts';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import type { CheckResultRecord } from '../../src/store/store.ts';
import { createTestPlatform, runSpec, type TestPlatform } from '../helpers/platform.ts';

let t: TestPlatform;
let app: FastifyInstance;
let serverUrl: string;
let work: string;

beforeAll(async () => {
  t = await createTestPlatform();
  work = await mkdtemp(path.join(os.tmpdir(), 'dd-quality-'));
  app = await buildServer({ platform: t.platform });
  serverUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await t?.dispose();
  await rm(work, { recursive: true, force: true });
});

const run = (spec: PipelineSpecInput, params: Record<string, unknown> = {}) => runSpec(t.platform, work, spec, params);

async function writeNdjson(name: string, rows: Array<Record<string, unknown> | string>): Promise<string> {
  const file = path.join(work, name);
  await writeFile(file, `${rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n')}\n`);
  return file;
}

/** Runs `datadog ...args` in this process on the test platform's home; returns what it printed. */
async function cli(args: string[]): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await createProgram().parseAsync(['node', 'datadog', ...args]);
  } finally {
    write.mockRestore();
  }
  return out;
}

describe('write-audit-publish', () => {
  const customers = (file: string): PipelineSpecInput => ({
    id: 'customers_quality',
    tasks: [
      { id: 'ingest', kind: 'source', outputs: ['raw_customers'], config: { connector: { type: 'file', path: file } } },
      {
        id: 'clean',
        kind: 'transform',
        inputs: ['raw_customers'],
        outputs: ['customers'],
        // Retries are allowed, yet a failed check is a data problem that another attempt cannot fix.
        retries: { max: 2, backoff: { base: 5, cap: 5 } },
        config: {
          steps: [{ select: ['id', 'email', 'status'] }],
          checks: [
            { type: 'not_null', columns: ['email'] },
            { type: 'unique', columns: 'id' },
            { type: 'accepted_values', column: 'status', values: ['active', 'churned'], severity: 'warn' },
          ],
        },
      },
    ],
  });
  let goodRun: string;
  let badRun: string;

  beforeAll(async () => {
    const file = await writeNdjson('customers.ndjson', [
      { id: 1, email: 'ann@example.com', status: 'active' },
      { id: 2, email: 'bob@example.com', status: 'paused' },
      { id: 3, email: 'cid@example.com', status: 'churned' },
      { id: 4, email: 'dee@example.com', status: 'active' },
    ]);
    const good = await run(customers(file));
    expect(good.run.status, good.run.error ?? '').toBe('succeeded');
    goodRun = good.run.id;
    await writeNdjson('customers.ndjson', [
      { id: 1, email: null, status: 'active' },
      { id: 2, email: null, status: 'active' },
      { id: 3, email: 'cid@example.com', status: 'active' },
      { id: 5, email: null, status: 'churned' },
      { id: 6, email: 'fay@example.com', status: 'active' },
    ]);
    badRun = (await run(customers(file))).run.id;
  });

  it('publishes when only a warn check fails, and logs the warning', async () => {
    const detail = await t.platform.getRunDetail(goodRun);
    const clean = detail.tasks.find((x) => x.taskId === 'clean');
    expect(clean?.output).toMatchObject({ rows_out: 4, checks: { passed: 2, warned: 1, failed: 0, failing: ['accepted_values(status)'] } });
    const logs = await t.platform.store.getLogs({ runId: goodRun, taskId: 'clean' });
    expect(logs.some((l) => l.level === 'warn' && /check accepted_values\(status\) on customers failed \(severity warn\): 1 row/.test(l.message))).toBe(true);
    const results = await t.platform.store.listCheckResults({ dataset: 'customers', runId: goodRun });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['not_null(email)', 'pass'],
      ['unique(id)', 'pass'],
      ['accepted_values(status)', 'warn'],
    ]);
    expect(results[2]?.sample).toEqual([{ id: 2, email: 'bob@example.com', status: 'paused' }]);
  });

  it('fails the task without retrying, naming the failed check', async () => {
    const detail = await t.platform.getRunDetail(badRun);
    expect(detail.run.status).toBe('failed');
    const clean = detail.tasks.find((x) => x.taskId === 'clean');
    expect(clean).toMatchObject({ status: 'failed', errorCode: 'VALIDATION_ERROR', attempts: 1 });
    expect(clean?.error).toMatch(/check not_null\(email\) failed: 3 rows/);
    expect(clean?.error).toMatch(/^1 error check failed on customers; version \w+ was rejected, not published:\n {2}- check not_null/);
    // A warn check that fails does not fail the task, nor appear among its errors.
    expect(clean?.error).not.toMatch(/accepted_values/);
  });

  it('saves the new version as rejected and keeps readers on the previous one', async () => {
    const [rejected] = await t.platform.store.listDatasetVersions({ dataset: 'customers', runId: badRun });
    expect(rejected).toMatchObject({ status: 'rejected', rows: 5, publishedAt: null, stats: { checks: { failed: 1 } } });
    const dataset = await t.platform.store.getDataset('customers');
    expect(dataset?.latestVersionId).not.toBe(rejected?.id);
    const preview = await t.platform.datasets.preview('customers', { limit: 100 });
    expect(preview.version.runId).toBe(goodRun);
    expect(preview.rows.map((r) => r.email)).not.toContain(null);
    expect(preview.rows).toHaveLength(4);
    // The source had no checks: its new version is published as usual.
    expect((await t.platform.datasets.preview('raw_customers', { limit: 100 })).version.runId).toBe(badRun);
  });

  it('stores the results with samples of the failing rows', async () => {
    const results = await t.platform.store.listCheckResults({ dataset: 'customers', runId: badRun });
    const [rejected] = await t.platform.store.listDatasetVersions({ dataset: 'customers', runId: badRun });
    expect(results.map((r) => [r.name, r.status, r.failingRows])).toEqual([
      ['not_null(email)', 'fail', 3],
      ['unique(id)', 'pass', 0],
      ['accepted_values(status)', 'pass', 0],
    ]);
    expect(results[0]).toMatchObject({ versionId: rejected?.id, taskId: 'clean', pipelineId: 'customers_quality', severity: 'error', message: '3 rows where email is NULL' });
    expect(results[0]?.sample.map((r) => r.id).sort()).toEqual([1, 2, 5]);
  });

  it('returns the results from GET /api/v1/datasets/{name}/checks', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/v1/datasets/customers/checks?run=${badRun}` });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as { results: CheckResultRecord[] };
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ name: 'not_null(email)', status: 'fail', failingRows: 3, runId: badRun });
    expect(results[0]?.sample).toHaveLength(3);

    const all = (await app.inject({ method: 'GET', url: '/api/v1/datasets/customers/checks' })).json() as { results: CheckResultRecord[] };
    expect(all.results.map((r) => r.runId)).toEqual([badRun, badRun, badRun, goodRun, goodRun, goodRun]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/datasets/customers/checks?limit=2' })).json().results).toHaveLength(2);
    expect((await app.inject({ method: 'GET', url: '/api/v1/datasets/no_such_dataset/checks' })).statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/api/v1/datasets/customers/checks?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path)).toEqual(['query.limit']);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/api/v1/datasets/{name}/checks'].get.tags).toEqual(['datasets']);
    expect(doc.components.schemas.CheckResult).toBeDefined();
  });

  it('shows the results with `datadog dataset checks`, locally and against a server', async () => {
    const local = JSON.parse(await cli(['--home', t.home, 'dataset', 'checks', 'customers', '--run', badRun, '--json'])) as CheckResultRecord[];
    expect(local.map((r) => [r.name, r.status, r.failingRows])).toEqual([
      ['not_null(email)', 'fail', 3],
      ['unique(id)', 'pass', 0],
      ['accepted_values(status)', 'pass', 0],
    ]);
    const remote = JSON.parse(await cli(['--server', serverUrl, 'dataset', 'checks', 'customers', '--run', badRun, '--json'])) as CheckResultRecord[];
    expect(remote).toEqual(local);

    const table = await cli(['--server', serverUrl, 'dataset', 'checks', 'customers']);
    expect(table).toMatch(new RegExp(`customers version \\w+ \\(run ${badRun}, task clean\\)`));
    expect(table).toMatch(/not_null\(email\)\s+error\s+fail\s+3\s+3 rows where email is NULL/);
    expect(table).toMatch(/sample of not_null\(email\):/);
    expect(table).toMatch(/sample of accepted_values\(status\):[\s\S]*paused/);
    await expect(cli(['--home', t.home, 'dataset', 'checks', 'no_such_dataset'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('checks on a source task', () => {
  it('rejects the output but still publishes the rows that could not be parsed', async () => {
    const file = await writeNdjson('orders.ndjson', [{ id: 1, amount: 10 }, 'not json', { id: 2, amount: -5 }, { id: 3, amount: 7 }]);
    const result = await run({
      id: 'orders_quality',
      tasks: [
        {
          id: 'ingest',
          kind: 'source',
          outputs: ['orders_checked'],
          config: { connector: { type: 'file', path: file }, checks: [{ type: 'range', column: 'amount', min: 0 }, { type: 'row_count', min: 1 }] },
        },
      ],
    });
    expect(result.run.status).toBe('failed');
    expect(result.tasks.ingest?.error).toMatch(/check range\(amount\) failed: 1 row where amount is outside \[0, inf\]/);
    const versions = await t.platform.store.listDatasetVersions({ dataset: 'orders_checked' });
    expect(versions.map((v) => v.status)).toEqual(['rejected']);
    await expect(t.platform.datasets.preview('orders_checked')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.platform.datasets.preview('orders_checked__rejects')).rows.map((r) => r.raw)).toEqual(['not json']);
    // A dataset with only a rejected version is still known to the checks route.
    const res = await app.inject({ method: 'GET', url: '/api/v1/datasets/orders_checked/checks' });
    expect(res.json().results.map((r: CheckResultRecord) => r.status)).toEqual(['fail', 'pass']);
  });
});

describe('the check task', () => {
  const events = (checks: unknown[]): PipelineSpecInput => ({
    id: `audit_${checks.length}`,
    params: { now: { type: 'string', default: '2026-03-01T12:00:00Z' } },
    tasks: [
      { id: 'make', kind: 'source', outputs: [`events_${checks.length}`], config: { connector: { type: 'generator', seed: 5, count: 200 } } },
      { id: 'types', kind: 'transform', inputs: [`events_${checks.length}`], outputs: [`types_${checks.length}`], config: { steps: [{ aggregate: { group_by: ['event_type'], metrics: { n: 'count' } } }] } },
      { id: 'audit', kind: 'check', inputs: [`events_${checks.length}`, `types_${checks.length}`], config: { checks } },
    ],
  });

  it('checks the version this run published and succeeds when every error check passes', async () => {
    const checks = [
      { type: 'not_null', columns: ['event_id', 'event_type'] },
      { type: 'unique', columns: 'event_id' },
      { type: 'relationships', column: 'event_type', to: 'types_3', field: 'event_type' },
    ];
    const result = await run(events(checks));
    expect(result.run.status, result.run.error ?? '').toBe('succeeded');
    const [published] = await t.platform.store.listDatasetVersions({ dataset: 'events_3', runId: result.run.id });
    expect(result.tasks.audit?.output).toMatchObject({ dataset: 'events_3', version: published?.id, rows: 200, checks: { passed: 3, failed: 0 } });
    const results = await t.platform.store.listCheckResults({ versionId: published?.id as string });
    expect(results.map((r) => [r.taskId, r.status])).toEqual([
      ['audit', 'pass'],
      ['audit', 'pass'],
      ['audit', 'pass'],
    ]);
  });

  it('fails on a failing error check but leaves the published version in place; freshness uses the now param', async () => {
    const checks = [
      { type: 'row_count', min: 1000, name: 'enough_events' },
      { type: 'freshness', column: 'timestamp', max_age: '1h', severity: 'warn' },
    ];
    const result = await run(events(checks), { now: '2100-01-01T00:00:00Z' });
    expect(result.run.status).toBe('failed');
    expect(result.tasks.audit).toMatchObject({ status: 'failed', errorCode: 'VALIDATION_ERROR' });
    expect(result.tasks.audit?.error).toMatch(/check enough_events failed: 200 rows, expected at least 1000/);
    expect(result.tasks.audit?.error).toMatch(/stays published/);
    const [version] = await t.platform.store.listDatasetVersions({ dataset: 'events_2', runId: result.run.id });
    expect(version?.status).toBe('published');
    expect((await t.platform.store.getDataset('events_2'))?.latestVersionId).toBe(version?.id);
    const results = await t.platform.store.listCheckResults({ dataset: 'events_2', runId: result.run.id });
    expect(results.map((r) => r.status)).toEqual(['fail', 'warn']);
    expect(results[1]?.sample[0]).toMatchObject({ now: '2100-01-01T00:00:00.000Z' });
  });
});
