/**
 * Managing pipelines through the API: updating to new versions, archiving, reading and
 * diffing versions, the last run in the list, a pipeline's runs, and TypeScript modules
 * registered by their path so their code runs.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, shellChain, type ApiHarness } from './api-helpers.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await openApi();
});

afterAll(async () => {
  await api.close();
});

/** Registers `spec` and gives its version. */
async function register(spec: Record<string, unknown>): Promise<string> {
  const res = await api.call('POST', '/api/v1/pipelines', { spec });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json().version as string;
}

describe('PUT /api/v1/pipelines/{id}', () => {
  it('makes a changed spec the new current version, and the same spec again changes nothing', async () => {
    const v1 = await register(shellChain('upd', { a: 'echo a' }));
    const changed = await api.call('PUT', '/api/v1/pipelines/upd', { spec: shellChain('upd', { a: 'echo a', b: 'echo b' }) });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ pipeline: { id: 'upd' }, newVersion: true });
    expect(changed.json().version).not.toBe(v1);
    expect((await api.call('GET', '/api/v1/pipelines/upd')).json().version).toBe(changed.json().version);

    const same = await api.call('PUT', '/api/v1/pipelines/upd', { yaml: 'id: upd\ntasks:\n  - { id: a, kind: shell, config: { command: echo a } }\n  - { id: b, kind: shell, depends_on: [a], config: { command: echo b } }\n' });
    expect(same.json()).toMatchObject({ newVersion: false, version: changed.json().version });
  });

  it("refuses a spec whose id is not the path's, and an unknown pipeline", async () => {
    const wrong = await api.call('PUT', '/api/v1/pipelines/upd', { spec: shellChain('someone_else', { a: 'true' }) });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ path: 'spec.id', message: expect.stringContaining("'upd'") }] } });
    expect((await api.call('GET', '/api/v1/pipelines/someone_else')).statusCode).toBe(404);

    const missing = await api.call('PUT', '/api/v1/pipelines/ghost', { spec: shellChain('ghost', { a: 'true' }) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });
});

describe('DELETE /api/v1/pipelines/{id}', () => {
  it('archives: gone from the list, still listed with ?archived=true, restored by registering again', async () => {
    await register(shellChain('old', { a: 'true' }));
    const res = await api.call('DELETE', '/api/v1/pipelines/old');
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const ids = async (query = ''): Promise<string[]> => (await api.call('GET', `/api/v1/pipelines${query}`)).json().pipelines.map((p: { id: string }) => p.id);
    expect(await ids()).not.toContain('old');
    expect(await ids('?archived=true')).toContain('old');
    expect((await api.call('GET', '/api/v1/pipelines/old')).json().pipeline.archived).toBe(true);

    expect((await api.call('DELETE', '/api/v1/pipelines/nobody')).statusCode).toBe(404);
    await register(shellChain('old', { a: 'true' }));
    expect(await ids()).toContain('old');
  });
});

describe('versions and diffs', () => {
  const v1Spec = shellChain('hist', { extract: 'echo extract', load: 'echo load' }, { description: 'first' });
  const v2Spec = {
    ...shellChain('hist', { extract: 'echo extract --fast', check: 'echo check' }, { description: 'second' }),
  };
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    v1 = await register(v1Spec);
    v2 = await register(v2Spec);
  });

  it('lists the versions newest first and marks the current one', async () => {
    const res = await api.call('GET', '/api/v1/pipelines/hist/versions');
    expect(res.statusCode).toBe(200);
    expect(res.json().versions).toEqual([
      { pipelineId: 'hist', version: v2, createdAt: expect.any(String), current: true },
      { pipelineId: 'hist', version: v1, createdAt: expect.any(String), current: false },
    ]);
    expect((await api.call('GET', '/api/v1/pipelines/ghost/versions')).statusCode).toBe(404);
  });

  it('gives one version as JSON and as YAML', async () => {
    const res = await api.call('GET', `/api/v1/pipelines/hist/versions/${v1}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ pipelineId: 'hist', version: v1, current: false, spec: { id: 'hist', description: 'first' } });
    expect(body.yaml).toContain('description: first');
    expect(body.yaml).toContain('command: echo load');
    const missing = await api.call('GET', '/api/v1/pipelines/hist/versions/deadbeef');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('hist@deadbeef');
  });

  it('diffs the current version against the one before by default', async () => {
    const res = await api.call('GET', '/api/v1/pipelines/hist/diff');
    expect(res.statusCode).toBe(200);
    const diff = res.json();
    expect(diff).toMatchObject({ pipelineId: 'hist', from: v1, to: v2 });
    expect(diff.summary).toEqual({ tasksAdded: ['check'], tasksRemoved: ['load'], tasksChanged: ['extract'], fieldsChanged: ['description'] });
    const lines: string[] = diff.unified.split('\n');
    expect(lines[0]).toBe(`--- hist@${v1}`);
    expect(lines[1]).toBe(`+++ hist@${v2}`);
    expect(lines[2]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    expect(lines).toContain('-description: first');
    expect(lines).toContain('+description: second');
    expect(lines).toContain('-      command: echo extract');
    expect(lines).toContain('+      command: echo extract --fast');
    expect(lines).toContain('-      command: echo load');
    expect(lines).toContain(' id: hist');
  });

  it('diffs any two versions, the first against nothing, and refuses unknown ones', async () => {
    const back = (await api.call('GET', `/api/v1/pipelines/hist/diff?from=${v2}&to=${v1}`)).json();
    expect(back.summary).toMatchObject({ tasksAdded: ['load'], tasksRemoved: ['check'] });

    const first = (await api.call('GET', `/api/v1/pipelines/hist/diff?to=${v1}`)).json();
    expect(first.from).toBeNull();
    expect(first.summary.tasksAdded).toEqual(['extract', 'load']);
    expect(first.unified.split('\n').slice(0, 3)).toEqual(['--- /dev/null', `+++ hist@${v1}`, expect.stringMatching(/^@@ -0,0 \+1,\d+ @@$/)]);

    const same = (await api.call('GET', `/api/v1/pipelines/hist/diff?from=${v2}&to=${v2}`)).json();
    expect(same.unified).toBe('');
    expect(same.summary).toEqual({ tasksAdded: [], tasksRemoved: [], tasksChanged: [], fieldsChanged: [] });

    expect((await api.call('GET', '/api/v1/pipelines/hist/diff?from=nope')).statusCode).toBe(404);
  });
});

describe('runs of a pipeline', () => {
  it('gives each pipeline its last run in the list, and null before any', async () => {
    await register(shellChain('never_ran', { a: 'true' }));
    await register(shellChain('ran', { a: 'echo ran' }));
    await api.platform.waitForRun((await api.platform.triggerRun('ran')).id);
    const last = await api.platform.triggerRun('ran');
    await api.platform.waitForRun(last.id);

    const { pipelines } = (await api.call('GET', '/api/v1/pipelines')).json();
    const ran = pipelines.find((p: { id: string }) => p.id === 'ran');
    expect(ran.lastRun).toEqual({ id: last.id, status: 'succeeded', createdAt: expect.any(String), startedAt: expect.any(String), finishedAt: expect.any(String), durationMs: expect.any(Number) });
    expect(ran.lastRun.durationMs).toBeGreaterThanOrEqual(0);
    expect(ran.nextScheduledRun).toBeNull();
    expect(pipelines.find((p: { id: string }) => p.id === 'never_ran').lastRun).toBeNull();
  });

  it('gives the next firing of the enabled schedules, once the scheduler has seen them', async () => {
    const spec = shellChain('cronned', { a: 'true' }, { schedules: [{ cron: '0 3 * * *' }, { cron: '*/5 * * * *', enabled: false }] });
    await register(spec);
    // The scheduler records schedule states on its ticks; listing its schedules does the same.
    expect((await api.call('GET', '/api/v1/schedules?pipeline=cronned')).statusCode).toBe(200);
    const { pipelines } = (await api.call('GET', '/api/v1/pipelines')).json();
    const next: string = pipelines.find((p: { id: string }) => p.id === 'cronned').nextScheduledRun;
    expect(next).toMatch(/T03:00:00\.000Z$/);
    expect(Date.parse(next)).toBeGreaterThan(Date.now());
  });

  it('lists the runs of one pipeline, newest first, with the filters of /executions', async () => {
    const res = await api.call('GET', '/api/v1/pipelines/ran/runs?limit=1');
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.runs).toHaveLength(1);
    expect(page.runs[0].pipelineId).toBe('ran');
    expect(page.nextCursor).toBe(page.runs[0].id);
    const next = (await api.call('GET', `/api/v1/pipelines/ran/runs?before=${page.nextCursor}`)).json();
    expect(next).toMatchObject({ runs: [{ pipelineId: 'ran' }], nextCursor: null });
    expect((await api.call('GET', '/api/v1/pipelines/ran/runs?status=failed')).json().runs).toEqual([]);
    expect((await api.call('GET', '/api/v1/pipelines/ghost/runs')).statusCode).toBe(404);
  });

  it('filters runs by creation time with since and until, and reads one run at /executions/{id}', async () => {
    const { runs } = (await api.call('GET', '/api/v1/executions?pipeline=ran')).json();
    const [newest, oldest] = runs;
    const inRange = (await api.call('GET', `/api/v1/executions?pipeline=ran&since=${encodeURIComponent(newest.createdAt)}`)).json().runs;
    expect(inRange.map((r: { id: string }) => r.id)).toEqual([newest.id]);
    const before = (await api.call('GET', `/api/v1/executions?pipeline=ran&until=${encodeURIComponent(newest.createdAt)}`)).json().runs;
    expect(before.map((r: { id: string }) => r.id)).toEqual([oldest.id]);
    const future = (await api.call('GET', '/api/v1/executions?since=2999-01-01')).json().runs;
    expect(future).toEqual([]);
    const bad = await api.call('GET', '/api/v1/executions?since=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('query.since');

    const one = await api.call('GET', `/api/v1/executions/${newest.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual((await api.call('GET', `/api/v1/executions/${newest.id}/status`)).json());
    expect((await api.call('GET', '/api/v1/executions/nope')).statusCode).toBe(404);
  });
});

describe('TypeScript pipelines registered by path', () => {
  const MODULE = `export default {
  id: 'ts_mod',
  tasks: [{ id: 'calc', kind: 'script', run: (ctx) => { ctx.log.info('calculating'); return { total: 6 * 7 }; } }],
};
`;

  it('registers the module itself when sourcePath names one, so its run functions work', async () => {
    const file = path.join(api.home, 'ts_mod.ts');
    await writeFile(file, MODULE);
    // What a remote CLI sends: the JSON spec, which cannot carry the function.
    const spec = { id: 'ts_mod', tasks: [{ id: 'calc', kind: 'script' }] };
    const res = await api.call('POST', '/api/v1/pipelines', { spec, sourcePath: file });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().pipeline).toMatchObject({ id: 'ts_mod', sourcePath: file });

    const { run } = (await api.call('POST', '/api/v1/pipelines/ts_mod/execute', {})).json();
    const done = await api.platform.waitForRun(run.id);
    expect(done.status, done.error ?? '').toBe('succeeded');
    const detail = (await api.call('GET', `/api/v1/executions/${run.id}`)).json();
    expect(detail.tasks[0]).toMatchObject({ taskId: 'calc', status: 'succeeded', output: { total: 42 } });
  });

  it('refuses a module that defines another pipeline, and keeps plain JSON for paths it cannot read', async () => {
    const file = path.join(api.home, 'ts_other.ts');
    await writeFile(file, MODULE);
    const wrong = await api.call('POST', '/api/v1/pipelines', { spec: { id: 'not_ts_mod', tasks: [{ id: 'a', kind: 'noop' }] }, sourcePath: file });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.issues).toEqual([{ path: 'sourcePath', message: expect.any(String) }]);

    const elsewhere = await api.call('POST', '/api/v1/pipelines', { spec: { id: 'remote_ts', tasks: [{ id: 'a', kind: 'noop' }] }, sourcePath: '/nowhere/remote_ts.ts' });
    expect(elsewhere.statusCode).toBe(201);
    expect(elsewhere.json().pipeline.sourcePath).toBe('/nowhere/remote_ts.ts');
  });
});
