import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.ts';
import { startServer, type RunningServer } from '../../src/api/start-server.ts';
import { PlatformError } from '../../src/core/errors.ts';
import { createPlatform } from '../../src/platform.ts';
import { until } from './api-helpers.ts';

let home: string;
let server: RunningServer;
let api: ApiClient;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'datadog-client-'));
  const examples = path.join(home, 'examples');
  await mkdir(examples);
  await writeFile(path.join(examples, 'echo.yaml'), 'id: echo\nparams:\n  word: { type: string, default: hi }\ntasks:\n  - id: say\n    kind: shell\n    config: { command: \'echo "$PARAM_WORD"\' }\n');
  await writeFile(path.join(examples, 'broken.yaml'), 'id: broken\ntasks: [{ id: a, kind: nope }]\n');
  const platform = await createPlatform({ home, logLevel: 'silent' });
  server = await startServer({ platform, host: '127.0.0.1', port: 0, examplesDir: examples });
  api = new ApiClient(`${server.url}/`);
});

afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

describe('startServer', () => {
  it('listens on the port the OS picked and registers the good example files', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    expect((await api.listPipelines()).map((p) => p.id)).toEqual(['echo']);
  });
});

describe('ApiClient', () => {
  it('reads health, connectors and metrics', async () => {
    expect(await api.health()).toMatchObject({ status: 'ok', store: 'sqlite', executor: 'local' });
    expect((await api.connectors()).taskKinds.map((k) => k.name)).toContain('shell');
    expect(await api.prometheusMetrics()).toContain('# TYPE datadog_runs_total counter');
  });

  it('registers, validates and reads pipelines', async () => {
    const created = await api.createPipeline({ yaml: 'id: twice\ntasks:\n  - id: a\n    kind: noop\n' }, '/srv/pipelines/twice.yaml');
    expect(created).toMatchObject({ pipeline: { id: 'twice', sourcePath: '/srv/pipelines/twice.yaml' }, newVersion: true });
    expect(await api.createPipeline({ spec: { id: 'twice', tasks: [{ id: 'a', kind: 'noop' }] } })).toMatchObject({ newVersion: false });
    expect(await api.validatePipeline({ spec: { id: 'v', tasks: [{ id: 'a', kind: 'noop' }] } })).toMatchObject({ valid: true, pipelineId: 'v' });
    const detail = await api.getPipeline('twice');
    expect(detail.spec).toMatchObject({ id: 'twice' });
  });

  it('executes a pipeline and follows it through status, logs, listing and metrics', async () => {
    const { run } = await api.executePipeline('echo', { word: 'bonjour' });
    const done = await until(async () => {
      const detail = await api.getRunStatus(run.id);
      return detail.run.status === 'succeeded' ? detail : undefined;
    }, 'the run to succeed');
    expect(done.tasks[0]).toMatchObject({ taskId: 'say', status: 'succeeded' });
    const logs = await api.getLogs(run.id, { task: 'say' });
    expect(logs.logs.map((l) => l.message)).toEqual(['bonjour']);
    expect((await api.getLogs(run.id, { after: logs.nextAfter })).logs).toEqual([]);
    const listed = await api.listRuns({ pipeline: 'echo', status: ['succeeded'], limit: 5 });
    expect(listed.runs.map((r) => r.id)).toEqual([run.id]);
    expect((await api.metrics('echo')).runs.succeeded).toBe(1);
  });

  it('rebuilds the server error as a PlatformError with the same code, message and details', async () => {
    const notFound = await api.getPipeline('ghost').catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(PlatformError);
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: "pipeline 'ghost' not found", details: { kind: 'pipeline', id: 'ghost' } });
    const badParams = await api.executePipeline('echo', { nope: 1 }).catch((error: unknown) => error);
    expect(badParams).toMatchObject({ code: 'PARAM_INVALID', details: { issues: [{ path: 'params.nope' }] } });
    const badSpec = await api.createPipeline({ spec: { id: 'x', tasks: [{ id: 'a', kind: 'nope' }] } }).catch((error: unknown) => error);
    expect(badSpec).toMatchObject({ code: 'SPEC_INVALID', details: { issues: [{ path: 'tasks[0].kind' }] } });
    const { run } = await api.executePipeline('echo');
    await until(async () => ((await api.getRunStatus(run.id)).run.status === 'succeeded' ? true : undefined), 'the run to succeed');
    await expect(api.cancelRun(run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(api.rerun(run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('says when the server cannot be reached', async () => {
    const nowhere = new ApiClient('http://127.0.0.1:1');
    const error = await nowhere.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).message).toContain('cannot reach the server at http://127.0.0.1:1');
  });
});
