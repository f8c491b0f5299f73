import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError, RetryLaterError, SkipTaskError } from '../../src/core/errors.ts';
import type { TaskStatusEvent } from '../../src/core/event-bus.ts';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import type { Executor } from '../../src/runtime/executor.ts';
import { LocalExecutor } from '../../src/runtime/executors/local.ts';
import type { TaskContext } from '../../src/runtime/task-context.ts';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';

let current: TestPlatform[] = [];
afterEach(async () => {
  for (const t of current) await t.dispose();
  current = [];
});

async function setup(options: Parameters<typeof createTestPlatform>[0] = {}): Promise<TestPlatform> {
  const t = await createTestPlatform(options);
  current.push(t);
  return t;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runSpec(t: TestPlatform, spec: PipelineSpecInput, params: Record<string, unknown> = {}) {
  await t.platform.registerSpec(spec);
  const run = await t.platform.triggerRun(spec.id, { params });
  const finished = await t.platform.waitForRun(run.id);
  const detail = await t.platform.getRunDetail(run.id);
  const status = Object.fromEntries(detail.tasks.map((task) => [task.taskId, task.status]));
  return { run: finished, detail, status };
}

describe('run engine', () => {
  it('runs a diamond in dependency order and persists every transition', async () => {
    const t = await setup();
    const order: string[] = [];
    const step = (id: string) => (ctx: TaskContext) => {
      order.push(id);
      ctx.log.info(`ran ${id}`);
      return { id };
    };
    const { run, detail, status } = await runSpec(t, {
      id: 'diamond',
      tasks: [
        { id: 'load', kind: 'script', depends_on: ['left', 'right'], run: step('load') },
        { id: 'left', kind: 'script', depends_on: ['extract'], run: step('left') },
        { id: 'right', kind: 'script', depends_on: ['extract'], run: step('right') },
        { id: 'extract', kind: 'script', run: step('extract') },
      ],
    });
    expect(run.status).toBe('succeeded');
    expect(status).toEqual({ extract: 'succeeded', left: 'succeeded', right: 'succeeded', load: 'succeeded' });
    expect(order[0]).toBe('extract');
    expect(order[3]).toBe('load');
    expect(detail.tasks.find((task) => task.taskId === 'load')?.output).toEqual({ id: 'load' });
    const events = await t.platform.store.listEvents({ runId: run.id, limit: 1000 });
    const loadTransitions = events.filter((e) => e.taskId === 'load').map((e) => e.payload.status);
    expect(loadTransitions).toEqual(['queued', 'running', 'succeeded']);
    expect(events.filter((e) => e.type === 'run.status').map((e) => e.payload.status)).toEqual(['queued', 'running', 'succeeded']);
    const logs = await t.platform.store.getLogs({ runId: run.id, taskId: 'left' });
    expect(logs.map((l) => l.message)).toEqual(['ran left']);
    expect(run.pipelineVersion).toMatch(/^[0-9a-f]{16}$/);
  });

  it('retries a failing task with growing delays until it succeeds', async () => {
    const clock = new ManualClock();
    const t = await setup({ clock });
    let calls = 0;
    const retryDelays: number[] = [];
    t.platform.bus.on('task.status', (event: TaskStatusEvent) => {
      if (event.status === 'up_for_retry') retryDelays.push(Date.parse(event.nextAttemptAt as string) - clock.now());
    });
    await t.platform.registerSpec({
      id: 'flaky',
      tasks: [
        {
          id: 'call_api',
          kind: 'script',
          retries: { max: 4, backoff: { base: 1000, factor: 2, cap: 60_000 }, jitter: 'none' },
          run: () => {
            calls++;
            if (calls < 4) throw new Error(`boom ${calls}`);
            return { calls };
          },
        },
      ],
    });
    const run = await t.platform.triggerRun('flaky');
    const done = t.platform.waitForRun(run.id);
    for (let i = 0; i < 3; i++) {
      while (retryDelays.length <= i) await sleep(5);
      clock.advance(retryDelays[i] as number);
    }
    expect((await done).status).toBe('succeeded');
    expect(retryDelays).toEqual([1000, 2000, 4000]);
    const attempts = await t.platform.store.getAttempts(run.id, 'call_api');
    expect(attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, 'up_for_retry', 'boom 1'],
      [2, 'up_for_retry', 'boom 2'],
      [3, 'up_for_retry', 'boom 3'],
      [4, 'succeeded', null],
    ]);
  });

  it('fails at once on a non-retryable error and honours retry-later delays', async () => {
    const t = await setup();
    let later = 0;
    const { status, detail } = await runSpec(t, {
      id: 'control_flow',
      tasks: [
        { id: 'fatal', kind: 'script', retries: 5, run: () => { throw new NonRetryableError('bad credentials'); } },
        {
          id: 'later',
          kind: 'script',
          retries: { max: 1, backoff: { base: 60_000, cap: 60_000 } },
          run: () => {
            later++;
            if (later === 1) throw new RetryLaterError('rate limited', 20);
          },
        },
      ],
    });
    expect(status).toEqual({ fatal: 'failed', later: 'succeeded' });
    expect(detail.tasks.find((x) => x.taskId === 'fatal')).toMatchObject({ attempts: 1, errorCode: 'NON_RETRYABLE', error: 'bad credentials' });
  });

  it('marks a task that ignores its timeout as timed out and discards its result', async () => {
    const t = await setup();
    const { run, status, detail } = await runSpec(t, {
      id: 'slow',
      tasks: [
        { id: 'stubborn', kind: 'script', timeout: 50, run: async () => { await sleep(400); return { late: true }; } },
        { id: 'after', kind: 'noop', depends_on: ['stubborn'] },
      ],
    });
    expect(run.status).toBe('failed');
    expect(status).toEqual({ stubborn: 'failed', after: 'upstream_failed' });
    const stubborn = detail.tasks.find((x) => x.taskId === 'stubborn');
    expect(stubborn).toMatchObject({ errorCode: 'TASK_TIMEOUT', output: null });
    expect(stubborn?.error).toMatch(/timed out after 50ms/);
    await sleep(450);
    const again = await t.platform.store.getTaskRuns(run.id);
    expect(again.find((x) => x.taskId === 'stubborn')).toMatchObject({ status: 'failed', output: null });
  });

  it('kills a shell command on timeout', async () => {
    const t = await setup();
    const { status, detail } = await runSpec(t, {
      id: 'shell_timeout',
      tasks: [{ id: 'hang', kind: 'shell', timeout: '200ms', config: { command: 'sleep 30' } }],
    });
    expect(status.hang).toBe('failed');
    expect(detail.tasks[0]?.errorCode).toBe('TASK_TIMEOUT');
  });

  it('cancels a run: running tasks are aborted and pending ones cancelled', async () => {
    const t = await setup();
    let aborted = false;
    await t.platform.registerSpec({
      id: 'long',
      tasks: [
        {
          id: 'wait',
          kind: 'script',
          run: (ctx: TaskContext) =>
            new Promise((_resolve, reject) => {
              ctx.signal.addEventListener('abort', () => {
                aborted = true;
                reject(ctx.signal.reason);
              });
            }),
        },
        { id: 'nap', kind: 'sleep', config: { duration: '30s' } },
        { id: 'next', kind: 'noop', depends_on: ['wait'] },
      ],
    });
    const run = await t.platform.triggerRun('long');
    while ((await t.platform.getRunDetail(run.id)).tasks.filter((x) => x.status === 'running').length < 2) await sleep(10);
    const started = Date.now();
    const cancelled = await t.platform.cancelRun(run.id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(cancelled.status).toBe('cancelled');
    expect(aborted).toBe(true);
    const detail = await t.platform.getRunDetail(run.id);
    expect(Object.fromEntries(detail.tasks.map((x) => [x.taskId, x.status]))).toEqual({ wait: 'cancelled', nap: 'cancelled', next: 'cancelled' });
    await expect(t.platform.cancelRun(run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('sees a cancel requested by another process through the store', async () => {
    const t = await setup({ pollMs: 20 });
    await t.platform.registerSpec({ id: 'remote_cancel', tasks: [{ id: 'nap', kind: 'sleep', config: { duration: '30s' } }] });
    const run = await t.platform.triggerRun('remote_cancel');
    while ((await t.platform.getRunDetail(run.id)).tasks[0]?.status !== 'running') await sleep(10);
    expect(await t.platform.store.requestCancel(run.id)).toBe(true);
    const finished = await t.platform.waitForRun(run.id);
    expect(finished.status).toBe('cancelled');
  });

  it('applies trigger rules after a failure', async () => {
    const t = await setup();
    const { run, status } = await runSpec(t, {
      id: 'rules',
      tasks: [
        { id: 'ok', kind: 'noop' },
        { id: 'bad', kind: 'script', run: () => { throw new Error('broken'); } },
        { id: 'needs_both', kind: 'noop', depends_on: ['ok', 'bad'] },
        { id: 'downstream', kind: 'noop', depends_on: ['needs_both'] },
        { id: 'on_failure', kind: 'noop', depends_on: ['bad'], trigger_rule: 'one_failed' },
        { id: 'on_success_only', kind: 'noop', depends_on: ['ok'], trigger_rule: 'one_failed' },
        { id: 'cleanup', kind: 'noop', depends_on: ['needs_both'], trigger_rule: 'all_done' },
        { id: 'always', kind: 'noop', depends_on: ['bad'], trigger_rule: 'always' },
      ],
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/task 'bad' failed: broken/);
    expect(status).toEqual({
      ok: 'succeeded',
      bad: 'failed',
      needs_both: 'upstream_failed',
      downstream: 'upstream_failed',
      on_failure: 'succeeded',
      on_success_only: 'skipped',
      cleanup: 'succeeded',
      always: 'succeeded',
    });
  });

  it('skips a task that asks to be skipped, and its dependents', async () => {
    const t = await setup();
    const { run, status } = await runSpec(t, {
      id: 'skipping',
      tasks: [
        { id: 'check', kind: 'script', run: () => { throw new SkipTaskError('no new data'); } },
        { id: 'process', kind: 'noop', depends_on: ['check'] },
      ],
    });
    expect(status).toEqual({ check: 'skipped', process: 'skipped' });
    expect(run.status).toBe('succeeded');
  });

  it('passes run params to every task', async () => {
    const t = await setup();
    const seen: unknown[] = [];
    const { detail } = await runSpec(
      t,
      {
        id: 'params',
        params: { day: { type: 'date', required: true }, limit: { type: 'integer', default: 5 } },
        tasks: [
          { id: 'script', kind: 'script', run: (ctx) => { seen.push(ctx.params); } },
          { id: 'shell', kind: 'shell', config: { command: 'echo "$PARAM_DAY $PARAM_LIMIT attempt=$DATADOG_ATTEMPT"' } },
        ],
      },
      { day: '2026-03-01' },
    );
    expect(seen).toEqual([{ day: '2026-03-01', limit: 5 }]);
    const logs = await t.platform.store.getLogs({ runId: detail.run.id, taskId: 'shell' });
    expect(logs.map((l) => l.message)).toEqual(['2026-03-01 5 attempt=1']);
    await expect(t.platform.triggerRun('params', { params: { day: 'soon' } })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });

  it('limits parallelism per run and per pool', async () => {
    const t = await setup();
    let running = 0;
    let peak = 0;
    let dbRunning = 0;
    let dbPeak = 0;
    const work = (pool?: string) => async () => {
      running++;
      peak = Math.max(peak, running);
      if (pool) dbPeak = Math.max(dbPeak, ++dbRunning);
      await sleep(30);
      if (pool) dbRunning--;
      running--;
    };
    await runSpec(t, {
      id: 'limited',
      max_parallel: 3,
      pools: { db: 1 },
      tasks: [
        ...Array.from({ length: 6 }, (_, i) => ({ id: `free${i}`, kind: 'script', run: work() })),
        ...Array.from({ length: 4 }, (_, i) => ({ id: `db${i}`, kind: 'script', pool: 'db', run: work('db') })),
      ],
    });
    expect(peak).toBe(3);
    expect(dbPeak).toBe(1);
  });

  it('re-runs from failure, reusing the tasks that succeeded', async () => {
    const t = await setup();
    const calls: Record<string, number> = { extract: 0, transform: 0, load: 0 };
    let fixed = false;
    const spec: PipelineSpecInput = {
      id: 'rerun',
      params: { day: { type: 'string', default: 'monday' } },
      tasks: [
        { id: 'extract', kind: 'script', run: () => { calls.extract = (calls.extract ?? 0) + 1; return { rows: 10 }; } },
        {
          id: 'transform',
          kind: 'script',
          depends_on: ['extract'],
          run: (ctx) => {
            calls.transform = (calls.transform ?? 0) + 1;
            if (!fixed) throw new Error('schema mismatch');
            return { day: ctx.params.day };
          },
        },
        { id: 'load', kind: 'script', depends_on: ['transform'], run: () => { calls.load = (calls.load ?? 0) + 1; } },
      ],
    };
    const first = await runSpec(t, spec, { day: 'friday' });
    expect(first.run.status).toBe('failed');
    expect(first.status).toEqual({ extract: 'succeeded', transform: 'failed', load: 'upstream_failed' });

    fixed = true;
    const rerun = await t.platform.rerunFromFailure(first.run.id);
    const finished = await t.platform.waitForRun(rerun.id);
    expect(finished).toMatchObject({ status: 'succeeded', parentRunId: first.run.id, trigger: 'rerun', params: { day: 'friday' } });
    const detail = await t.platform.getRunDetail(rerun.id);
    expect(detail.tasks.find((x) => x.taskId === 'extract')).toMatchObject({ status: 'succeeded', reusedFromRunId: first.run.id, output: { rows: 10 } });
    expect(detail.tasks.find((x) => x.taskId === 'transform')).toMatchObject({ status: 'succeeded', output: { day: 'friday' } });
    expect(calls).toEqual({ extract: 1, transform: 2, load: 1 });
    await expect(t.platform.rerunFromFailure(rerun.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('records a new version when the spec changes, and the version each run ran', async () => {
    const t = await setup();
    const a = await t.platform.registerSpec({ id: 'versioned', tasks: [{ id: 'a', kind: 'noop' }] });
    const same = await t.platform.registerSpec({ id: 'versioned', tasks: [{ id: 'a', kind: 'noop' }] });
    expect(same).toMatchObject({ version: a.version, newVersion: false });
    const run1 = await t.platform.triggerRun('versioned');
    const b = await t.platform.registerSpec({ id: 'versioned', tasks: [{ id: 'a', kind: 'noop' }, { id: 'b', kind: 'noop' }] });
    expect(b.newVersion).toBe(true);
    const run2 = await t.platform.triggerRun('versioned');
    expect((await t.platform.waitForRun(run1.id)).pipelineVersion).toBe(a.version);
    expect((await t.platform.waitForRun(run2.id)).pipelineVersion).toBe(b.version);
    expect((await t.platform.store.listPipelineVersions('versioned')).map((v) => v.version)).toEqual([b.version, a.version]);
  });

  /** Starts a run of a -> b (300 ms) -> c and stops its engine while b runs. */
  async function stoppedMidTask(id: string) {
    const first = await setup();
    await first.platform.registerSpec({
      id,
      tasks: [
        { id: 'a', kind: 'noop' },
        { id: 'b', kind: 'sleep', depends_on: ['a'], config: { duration: '300ms' } },
        { id: 'c', kind: 'noop', depends_on: ['b'] },
      ],
    });
    const run = await first.platform.triggerRun(id);
    while ((await first.platform.getRunDetail(run.id)).tasks.find((x) => x.taskId === 'b')?.status !== 'running') await sleep(10);
    await first.platform.engine.close();
    return { first, run };
  }

  it('resumes a run whose engine stopped mid-task', async () => {
    const { first, run } = await stoppedMidTask('resumable');

    const second = await setup({ home: first.home });
    const resumed = await second.platform.resumeOrphanedRuns();
    expect(resumed).toEqual([run.id]);
    const finished = await second.platform.waitForRun(run.id);
    expect(finished.status).toBe('succeeded');
    const attempts = await second.platform.store.getAttempts(run.id, 'b');
    expect(attempts.map((x) => x.status)).toEqual(['failed', 'succeeded']);
    expect((await second.platform.getRunDetail(run.id)).tasks.find((x) => x.taskId === 'a')?.attempts).toBe(1);
  });

  it('tells the executor which dispatches of a taken-over run may repeat one the stopped engine made', async () => {
    const { first, run } = await stoppedMidTask('repeatable');

    // Records each dispatch, then runs it in-process.
    const seen: Array<{ taskId: string; attempt: number; mayRepeat: boolean }> = [];
    // (The in-process executor needs the platform's task kinds: made once the platform is.)
    const runs: { inner?: LocalExecutor } = {};
    const recording: Executor = {
      name: 'recording',
      execute: (dispatch) => {
        seen.push({ taskId: dispatch.taskId, attempt: dispatch.attempt, mayRepeat: dispatch.mayRepeat === true });
        return (runs.inner as LocalExecutor).execute(dispatch);
      },
      close: async () => runs.inner?.close(),
    };
    const second = await setup({ home: first.home, executor: recording });
    runs.inner = new LocalExecutor({ kinds: second.platform.taskKinds, home: second.home });
    expect(await second.platform.resumeOrphanedRuns()).toEqual([run.id]);
    expect((await second.platform.waitForRun(run.id)).status).toBe('succeeded');
    // Every task unfinished at the takeover, on its first dispatch only: a finished one is not dispatched again.
    expect(seen).toEqual([
      { taskId: 'b', attempt: 2, mayRepeat: true },
      { taskId: 'c', attempt: 1, mayRepeat: true },
    ]);

    // A run started here repeats nothing.
    seen.length = 0;
    const fresh = await second.platform.triggerRun('repeatable');
    expect((await second.platform.waitForRun(fresh.id)).status).toBe('succeeded');
    expect(seen.map((d) => d.mayRepeat)).toEqual([false, false, false]);
  });
});
