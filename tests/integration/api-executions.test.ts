import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, shellChain, until, type ApiHarness } from './api-helpers.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await openApi();
});

afterAll(async () => {
  await api.close();
});

/** Registers a spec and starts a run through the API; returns the run id. */
async function startRun(spec: Record<string, unknown>, params: Record<string, unknown> = {}): Promise<string> {
  const created = await api.call('POST', '/api/v1/pipelines', { spec });
  expect(created.statusCode, created.body).toBeLessThan(300);
  const res = await api.call('POST', `/api/v1/pipelines/${String(spec.id)}/execute`, { params });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().run.id as string;
}

/** Polls the status route until the run finishes. */
async function finished(runId: string): Promise<{ run: { status: string }; tasks: Array<Record<string, unknown>>; attempts: unknown[] }> {
  return until(async () => {
    const res = await api.call('GET', `/api/v1/executions/${runId}/status`);
    expect(res.statusCode).toBe(200);
    const detail = res.json();
    return ['succeeded', 'failed', 'cancelled'].includes(detail.run.status) ? detail : undefined;
  }, `run ${runId} to finish`);
}

describe('run status and logs', () => {
  it('runs shell tasks to success, visible through the status route', async () => {
    const runId = await startRun(shellChain('shells', { first: 'echo one; echo two', second: 'echo three >&2' }));
    const detail = await finished(runId);
    expect(detail.run.status).toBe('succeeded');
    expect(detail.tasks.map((t) => [t.taskId, t.status]).sort()).toEqual([
      ['first', 'succeeded'],
      ['second', 'succeeded'],
    ]);
    expect(detail.attempts).toHaveLength(2);
  });

  it('returns the shell output lines, by task and page by page', async () => {
    const runId = await startRun(shellChain('chatty', { talk: 'for i in 1 2 3 4 5; do echo "line $i"; done', quiet: 'echo "warning" >&2' }));
    await finished(runId);
    const all = await api.call('GET', `/api/v1/executions/${runId}/logs`);
    expect(all.statusCode).toBe(200);
    const messages = all.json().logs.map((l: { message: string }) => l.message);
    expect(messages).toEqual(expect.arrayContaining(['line 1', 'line 5', 'warning']));
    const stderr = all.json().logs.find((l: { message: string }) => l.message === 'warning');
    expect(stderr).toMatchObject({ taskId: 'quiet', stream: 'stderr', attempt: 1 });

    const page1 = (await api.call('GET', `/api/v1/executions/${runId}/logs?task=talk&limit=2`)).json();
    expect(page1.logs.map((l: { message: string }) => l.message)).toEqual(['line 1', 'line 2']);
    const page2 = (await api.call('GET', `/api/v1/executions/${runId}/logs?task=talk&after=${page1.nextAfter}&limit=10`)).json();
    expect(page2.logs.map((l: { message: string }) => l.message)).toEqual(['line 3', 'line 4', 'line 5']);
    const page3 = (await api.call('GET', `/api/v1/executions/${runId}/logs?task=talk&after=${page2.nextAfter}`)).json();
    expect(page3).toEqual({ logs: [], nextAfter: page2.nextAfter });
  });

  it('answers 404 for an unknown run and 400 for a bad log query', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/executions/nope/status'],
      ['GET', '/api/v1/executions/nope/logs'],
      ['POST', '/api/v1/executions/nope/cancel'],
      ['POST', '/api/v1/executions/nope/rerun'],
    ] as const) {
      const res = await api.call(method, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const bad = await api.call('GET', '/api/v1/executions/nope/logs?limit=0&after=-1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['query.after', 'query.limit']);
  });
});

describe('listing runs', () => {
  it('filters by pipeline and status and pages with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await startRun(shellChain('paged', { a: 'true' })));
      await finished(ids[i] as string);
    }
    const page1 = (await api.call('GET', '/api/v1/executions?pipeline=paged&limit=2')).json();
    expect(page1.runs.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(page1.nextCursor).toBe(ids[1]);
    const page2 = (await api.call('GET', `/api/v1/executions?pipeline=paged&limit=2&before=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ runs: [{ id: ids[0] }], nextCursor: null });

    const failedOnly = (await api.call('GET', '/api/v1/executions?pipeline=paged&status=failed,cancelled')).json();
    expect(failedOnly.runs).toEqual([]);
    const succeeded = (await api.call('GET', '/api/v1/executions?pipeline=paged&status=succeeded')).json();
    expect(succeeded.runs).toHaveLength(3);
  });

  it('answers 404 for a filter on an unknown pipeline', async () => {
    const res = await api.call('GET', '/api/v1/executions?pipeline=ghost');
    expect(res.statusCode).toBe(404);
  });
});

describe('cancel and re-run', () => {
  it('cancels a running sleep task; cancelling again answers 409', async () => {
    const runId = await startRun({ id: 'sleepy', tasks: [{ id: 'nap', kind: 'sleep', config: { duration: '30s' } }] });
    await until(async () => {
      const detail = (await api.call('GET', `/api/v1/executions/${runId}/status`)).json();
      return detail.tasks[0]?.status === 'running' ? true : undefined;
    }, 'the sleep task to start');
    const started = Date.now();
    const res = await api.call('POST', `/api/v1/executions/${runId}/cancel`);
    expect(res.statusCode, res.body).toBe(200);
    const detail = await finished(runId);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(detail.run.status).toBe('cancelled');
    expect(detail.tasks[0]?.status).toBe('cancelled');

    const again = await api.call('POST', `/api/v1/executions/${runId}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'CONFLICT', details: { status: 'cancelled' } });
  });

  it('re-runs a failed run, reusing the tasks that succeeded', async () => {
    // The second task fails until a marker file exists; it creates the marker on its way out.
    const marker = path.join(api.home, 'second-try');
    const runId = await startRun(
      shellChain('flaky_once', {
        extract: 'echo extracted',
        load: `if [ -f '${marker}' ]; then echo loaded; else touch '${marker}'; echo 'not yet' >&2; exit 1; fi`,
      }),
    );
    const first = await finished(runId);
    expect(first.run.status).toBe('failed');

    const res = await api.call('POST', `/api/v1/executions/${runId}/rerun`);
    expect(res.statusCode, res.body).toBe(202);
    const rerun = res.json().run;
    expect(rerun).toMatchObject({ parentRunId: runId, trigger: 'rerun', pipelineId: 'flaky_once' });
    const second = await finished(rerun.id);
    expect(second.run.status).toBe('succeeded');
    const byId = Object.fromEntries(second.tasks.map((t) => [t.taskId, t]));
    expect(byId.extract).toMatchObject({ status: 'succeeded', reusedFromRunId: runId });
    expect(byId.load).toMatchObject({ status: 'succeeded', reusedFromRunId: null });

    const ofSuccess = await api.call('POST', `/api/v1/executions/${rerun.id}/rerun`);
    expect(ofSuccess.statusCode).toBe(409);
    expect(ofSuccess.json().error.code).toBe('CONFLICT');
  });

  it('refuses to re-run a run that is still going (409)', async () => {
    const runId = await startRun({ id: 'long_nap', tasks: [{ id: 'nap', kind: 'sleep', config: { duration: '30s' } }] });
    const res = await api.call('POST', `/api/v1/executions/${runId}/rerun`);
    expect(res.statusCode).toBe(409);
    await api.call('POST', `/api/v1/executions/${runId}/cancel`);
    expect((await finished(runId)).run.status).toBe('cancelled');
  });
});
