/**
 * Backfills on a real platform (temp SQLite store, real engine and shell tasks), driven by the
 * backfill runner directly and through the REST API; also the webhook trigger and the
 * schedule routes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import type { BackfillDetail } from '../../src/scheduler/backfill-progress.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { openApi, until, type ApiHarness } from './api-helpers.ts';

let t: TestPlatform;
let scheduler: Scheduler;
let work: string;

beforeAll(async () => {
  t = await createTestPlatform();
  scheduler = new Scheduler({ platform: t.platform, backfillPollMs: 100 });
  work = await mkdtemp(path.join(tmpdir(), 'dd-backfill-'));
});

afterAll(async () => {
  await scheduler.stop();
  await Promise.all(t.platform.engine.activeRunIds().map((id) => t.platform.waitForRun(id)));
  await t.dispose();
  await rm(work, { recursive: true, force: true });
});

/** A daily partitioned pipeline of shell tasks; each task's command sees $PARAM_PARTITION. */
function partitioned(id: string, commands: Record<string, string>, extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput {
  const ids = Object.keys(commands);
  return {
    id,
    partitions: { type: 'daily', start: '2026-01-01' },
    tasks: ids.map((taskId, i) => ({ id: taskId, kind: 'shell', depends_on: i > 0 ? [ids[i - 1]!] : [], config: { command: commands[taskId]! } })),
    ...extra,
  };
}

/** The most runs of a pipeline that were running at once while `body` ran. */
async function peakConcurrency(pipelineId: string, body: () => Promise<void>): Promise<number> {
  let running = 0;
  let peak = 0;
  const off = t.platform.bus.on('run.status', (event) => {
    if (event.pipelineId !== pipelineId) return;
    if (event.status === 'running') peak = Math.max(peak, ++running);
    else if (event.previous === 'running') running--;
  });
  try {
    await body();
  } finally {
    off();
  }
  return peak;
}

describe('backfills', () => {
  it('runs 10 daily partitions at most 3 at once, each run with its partition param', async () => {
    await t.platform.registerSpec(partitioned('daily_ten', { work: 'sleep 0.2; echo "processing $PARAM_PARTITION"' }));
    const progress: number[] = [];
    let final: BackfillDetail | undefined;
    const peak = await peakConcurrency('daily_ten', async () => {
      const started = await scheduler.backfills.create({ pipelineId: 'daily_ten', from: '2026-01-01', to: '2026-01-10', concurrency: 3 });
      expect(started.backfill).toMatchObject({ from: '2026-01-01', to: '2026-01-10', total: 10, concurrency: 3, status: 'running' });
      expect(started.progress.running).toBe(3);
      final = await scheduler.backfills.waitFor(started.backfill.id, (d) => progress.push(d.progress.done));
    });
    expect(peak).toBe(3);
    expect(final!.backfill.status).toBe('succeeded');
    expect(final!.backfill.finishedAt).not.toBeNull();
    expect(final!.progress).toMatchObject({ total: 10, succeeded: 10, done: 10 });
    expect(progress.at(-1)).toBe(10);
    const runs = await t.platform.store.listRuns({ pipelineId: 'daily_ten' });
    expect(runs).toHaveLength(10);
    expect(runs.every((r) => r.trigger === 'backfill' && r.status === 'succeeded')).toBe(true);
    expect(runs.map((r) => r.params.partition).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`));
    const byRun = new Map(final!.partitions.map((p) => [p.runId, p.partitionKey]));
    for (const run of runs) expect(byRun.get(run.id)).toBe(run.params.partition);
  });

  it('cancels as one unit: running runs are cancelled, pending partitions never start; resume runs them', async () => {
    await t.platform.registerSpec(partitioned('daily_cancel', { work: 'sleep 1' }));
    const { backfill } = await scheduler.backfills.create({ pipelineId: 'daily_cancel', from: '2026-01-01', to: '2026-01-08', concurrency: 2 });
    await until(async () => ((await scheduler.backfills.get(backfill.id)).progress.running === 2 ? true : undefined), 'two partitions running');
    const cancelled = await scheduler.backfills.cancel(backfill.id);
    expect(cancelled.backfill.status).toBe('cancelled');
    const done = await scheduler.backfills.waitFor(backfill.id);
    expect(done.progress).toMatchObject({ total: 8, cancelled: 8, running: 0, pending: 0 });
    const runs = await t.platform.store.listRuns({ pipelineId: 'daily_cancel' });
    expect(runs).toHaveLength(2);
    expect(runs.every((r) => r.status === 'cancelled')).toBe(true);
    await expect(scheduler.backfills.cancel(backfill.id)).rejects.toMatchObject({ code: 'CONFLICT' });

    await scheduler.backfills.resume(backfill.id);
    const resumed = await scheduler.backfills.waitFor(backfill.id);
    expect(resumed.backfill.status).toBe('succeeded');
    expect(resumed.progress.succeeded).toBe(8);
    // The two cancelled runs re-ran from their failure; the six never started ran afresh.
    expect(resumed.partitions.filter((p) => p.previousRunId !== null)).toHaveLength(2);
  }, 30_000);

  it('fails when a partition fails, and resume re-runs only that partition from its failure once fixed', async () => {
    const marker = path.join(work, 'fixed');
    await t.platform.registerSpec(
      partitioned('daily_fix', {
        extract: 'echo "extract $PARAM_PARTITION"',
        load: `if [ "$PARAM_PARTITION" = 2026-01-05 ] && [ ! -f '${marker}' ]; then echo "bad data" >&2; exit 1; fi`,
      }),
    );
    const { backfill } = await scheduler.backfills.create({ pipelineId: 'daily_fix', from: '2026-01-01', to: '2026-01-07', concurrency: 3 });
    const failed = await scheduler.backfills.waitFor(backfill.id);
    expect(failed.backfill.status).toBe('failed');
    expect(failed.progress).toMatchObject({ succeeded: 6, failed: 1 });
    const bad = failed.partitions.find((p) => p.status === 'failed')!;
    expect(bad.partitionKey).toBe('2026-01-05');

    await writeFile(marker, 'ok');
    await scheduler.backfills.resume(backfill.id);
    const fixed = await scheduler.backfills.waitFor(backfill.id);
    expect(fixed.backfill.status).toBe('succeeded');
    const redone = fixed.partitions.find((p) => p.partitionKey === '2026-01-05')!;
    expect(redone.previousRunId).toBe(bad.runId);
    const rerun = await t.platform.getRunDetail(redone.runId!);
    expect(rerun.run).toMatchObject({ parentRunId: bad.runId, trigger: 'rerun', params: { partition: '2026-01-05' } });
    expect(rerun.tasks.find((x) => x.taskId === 'extract')?.reusedFromRunId).toBe(bad.runId);
    // The six partitions that succeeded were left alone.
    expect(await t.platform.store.listRuns({ pipelineId: 'daily_fix' })).toHaveLength(8);
  });

  it('is continued from the store by another scheduler when the one driving it stops', async () => {
    await t.platform.registerSpec(partitioned('daily_handover', { work: 'sleep 0.1' }));
    const first = new Scheduler({ platform: t.platform, backfillPollMs: 100 });
    const { backfill } = await first.backfills.create({ pipelineId: 'daily_handover', from: '2026-01-01', to: '2026-01-06', concurrency: 1 });
    await until(async () => ((await first.backfills.get(backfill.id)).progress.done >= 1 ? true : undefined), 'a first partition done');
    await first.stop();
    const taker = new Scheduler({ platform: t.platform, backfillPollMs: 100 });
    try {
      await taker.tick();
      const done = await taker.backfills.waitFor(backfill.id);
      expect(done.backfill.status).toBe('succeeded');
      expect(done.progress.succeeded).toBe(6);
      expect(await t.platform.store.listRuns({ pipelineId: 'daily_handover' })).toHaveLength(6);
    } finally {
      await taker.stop();
    }
  });

  it('refuses a pipeline without partitions and bad params before creating anything', async () => {
    await t.platform.registerSpec({ id: 'flat', tasks: [{ id: 'a', kind: 'noop' }] });
    await expect(scheduler.backfills.create({ pipelineId: 'flat', from: '2026-01-01', to: '2026-01-02' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await t.platform.registerSpec(partitioned('daily_params', { work: 'true' }));
    await expect(scheduler.backfills.create({ pipelineId: 'daily_params', from: '2026-01-01', to: '2026-01-02', params: { nope: 1 } })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
    await expect(scheduler.backfills.create({ pipelineId: 'daily_params', from: '2025-12-31', to: '2026-01-02' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await scheduler.backfills.list({ pipelineId: 'daily_params' })).toEqual([]);
  });
});

describe('backfill, schedule and webhook routes', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await openApi();
  });
  afterEach(async () => {
    await Promise.all(api.platform.engine.activeRunIds().map((id) => api.platform.waitForRun(id)));
  });
  afterAll(async () => {
    await api.close();
  });

  it('starts a backfill, reports its progress, and refuses to cancel or resume it once it succeeded', async () => {
    await api.platform.registerSpec(partitioned('api_daily', { work: 'echo $PARAM_PARTITION' }));
    const created = await api.call('POST', '/api/v1/pipelines/api_daily/backfills', { from: '2026-01-01', to: '2026-01-04', concurrency: 2 });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().backfill.id as string;
    const done = await until(async () => {
      const res = await api.call('GET', `/api/v1/backfills/${id}`);
      const detail = res.json() as BackfillDetail;
      return detail.backfill.status === 'running' ? undefined : detail;
    }, 'the backfill to finish');
    expect(done.backfill.status).toBe('succeeded');
    expect(done.progress).toMatchObject({ total: 4, succeeded: 4, done: 4 });
    expect((await api.call('POST', `/api/v1/backfills/${id}/cancel`)).statusCode).toBe(409);
    expect((await api.call('POST', `/api/v1/backfills/${id}/resume`)).statusCode).toBe(409);
    expect((await api.call('GET', '/api/v1/backfills?pipeline=api_daily')).json().backfills.map((b: { id: string }) => b.id)).toEqual([id]);
    expect((await api.call('GET', '/api/v1/backfills/nope')).statusCode).toBe(404);
    const bad = await api.call('POST', '/api/v1/pipelines/api_daily/backfills', { from: '2026-01-09', to: '2026-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('to');
  });

  it('triggers a run from a webhook with params, trigger webhook', async () => {
    await api.platform.registerSpec({ id: 'hooked', params: { source: { type: 'string', default: 'none' } }, tasks: [{ id: 'a', kind: 'noop' }] });
    const res = await api.call('POST', '/api/v1/pipelines/hooked/trigger', { params: { source: 'github' }, ref: 'refs/heads/main' });
    expect(res.statusCode, res.body).toBe(202);
    const { run } = res.json();
    expect(run).toMatchObject({ pipelineId: 'hooked', trigger: 'webhook', params: { source: 'github' } });
    expect((await api.platform.waitForRun(run.id)).status).toBe('succeeded');
    const empty = await api.call('POST', '/api/v1/pipelines/hooked/trigger');
    expect(empty.statusCode).toBe(202);
    expect(empty.json().run.params).toEqual({ source: 'none' });
    const invalid = await api.call('POST', '/api/v1/pipelines/hooked/trigger', { params: { other: 1 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('PARAM_INVALID');
    expect((await api.call('POST', '/api/v1/pipelines/missing/trigger', {})).statusCode).toBe(404);
  });

  it('lists schedules with next fire times and turns them off and on', async () => {
    await api.platform.registerSpec({ id: 'api_sched', schedules: [{ cron: '0 5 * * *', timezone: 'Europe/Paris' }, { cron: '*/15 * * * *' }], tasks: [{ id: 'a', kind: 'noop' }] });
    const listed = await api.call('GET', '/api/v1/schedules?pipeline=api_sched&count=2');
    expect(listed.statusCode, listed.body).toBe(200);
    const schedules = listed.json().schedules;
    expect(schedules.map((s: { index: number; enabled: boolean }) => [s.index, s.enabled])).toEqual([
      [0, true],
      [1, true],
    ]);
    expect(schedules[0].nextFireTimes).toHaveLength(2);
    const down = await api.call('POST', '/api/v1/schedules/api_sched/1/disable');
    expect(down.statusCode, down.body).toBe(200);
    expect(down.json().schedules).toMatchObject([{ index: 1, enabled: false, enabledOverride: false, nextFireTimes: [] }]);
    const all = await api.call('POST', '/api/v1/schedules/api_sched/enable');
    expect(all.json().schedules.map((s: { enabled: boolean }) => s.enabled)).toEqual([true, true]);
    expect((await api.call('POST', '/api/v1/schedules/api_sched/7/disable')).statusCode).toBe(404);
    expect((await api.call('POST', '/api/v1/schedules/nope/0/disable')).statusCode).toBe(404);
  });
});
