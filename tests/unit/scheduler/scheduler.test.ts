import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../../src/core/spec/pipeline-spec.ts';
import { ManualClock } from '../../../src/runtime/clock.ts';
import { Scheduler, type TickResult } from '../../../src/scheduler/scheduler.ts';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let opened: Array<{ t: TestPlatform; schedulers: Scheduler[] }> = [];
afterEach(async () => {
  for (const { t, schedulers } of opened) {
    for (const s of schedulers) await s.stop();
    await Promise.all(t.platform.engine.activeRunIds().map((id) => t.platform.waitForRun(id)));
    await t.dispose();
  }
  opened = [];
});

/** A real platform on a temp SQLite store; the scheduler runs on a manual clock starting at `start`. */
async function setup(start: string, specs: PipelineSpecInput[]) {
  const t = await createTestPlatform();
  for (const spec of specs) await t.platform.registerSpec(spec);
  const clock = new ManualClock(Date.parse(start));
  const scheduler = new Scheduler({ platform: t.platform, clock });
  opened.push({ t, schedulers: [scheduler] });
  // The first tick records the schedules: slots before it never fire.
  await scheduler.tick();
  return { t, clock, scheduler };
}

function scheduled(id: string, schedules: NonNullable<PipelineSpecInput['schedules']>, extra: Partial<PipelineSpecInput> = {}): PipelineSpecInput {
  return { id, schedules, tasks: [{ id: 'only', kind: 'noop' }], ...extra };
}

const slots = (result: TickResult, pipelineId?: string) => result.fired.filter((f) => !pipelineId || f.pipelineId === pipelineId).map((f) => f.slot);

describe('scheduler', () => {
  it('fires 0 9 * * * in Europe/Paris at 09:00 Paris time, winter and summer, once per slot', async () => {
    const { t, clock, scheduler } = await setup('2026-01-10T07:58:00.000Z', [scheduled('paris', [{ cron: '0 9 * * *', timezone: 'Europe/Paris' }])]);
    clock.advance(MINUTE);
    expect((await scheduler.tick()).fired).toEqual([]);
    clock.advance(MINUTE); // 08:00 UTC = 09:00 in Paris (UTC+1 in winter)
    const first = await scheduler.tick();
    expect(slots(first)).toEqual(['2026-01-10T08:00:00.000Z']);
    expect((await scheduler.tick()).fired).toEqual([]);

    const run = await t.platform.waitForRun(first.fired[0]!.runId!);
    expect(run).toMatchObject({ pipelineId: 'paris', trigger: 'schedule', status: 'succeeded' });

    // Summer time: 09:00 in Paris is 07:00 UTC.
    clock.advance(Date.parse('2026-07-10T06:59:30.000Z') - clock.now());
    // Months without a tick: the default misfire policy (skip) fires the latest missed slot only.
    expect(slots(await scheduler.tick())).toEqual(['2026-07-09T07:00:00.000Z']);
    clock.advance(30_000);
    expect(slots(await scheduler.tick())).toEqual(['2026-07-10T07:00:00.000Z']);
  });

  it('never fires a disabled schedule, and does not fire the slots missed while disabled once enabled again', async () => {
    const { clock, scheduler } = await setup('2026-01-01T00:30:00.000Z', [scheduled('hourly', [{ cron: '0 * * * *', misfire: 'catch_up' }])]);
    const [down] = await scheduler.catalog.setEnabled('hourly', 0, false);
    expect(down).toMatchObject({ enabled: false, enabledOverride: false, nextFireTimes: [] });
    clock.advance(3 * HOUR); // 03:30: 01:00, 02:00 and 03:00 passed while disabled
    expect((await scheduler.tick()).fired).toEqual([]);
    const [up] = await scheduler.catalog.setEnabled('hourly', 0, true);
    expect(up).toMatchObject({ enabled: true, nextFireTimes: ['2026-01-01T04:00:00.000Z', '2026-01-01T05:00:00.000Z', '2026-01-01T06:00:00.000Z'] });
    expect((await scheduler.tick()).fired).toEqual([]);
    clock.advance(30 * MINUTE);
    expect(slots(await scheduler.tick())).toEqual(['2026-01-01T04:00:00.000Z']);
  });

  it('keeps the backlog of a schedule that is enabled again while already on', async () => {
    const { clock, scheduler } = await setup('2026-01-01T00:30:00.000Z', [scheduled('backlog', [{ cron: '0 * * * *', misfire: 'catch_up' }])]);
    clock.advance(2 * HOUR);
    await scheduler.catalog.setEnabled('backlog', 0, true);
    expect(slots(await scheduler.tick())).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']);
  });

  it('follows the spec enabled flag until overridden', async () => {
    const { clock, scheduler } = await setup('2026-01-01T00:30:00.000Z', [scheduled('off', [{ cron: '0 * * * *', enabled: false }])]);
    clock.advance(HOUR);
    expect((await scheduler.tick()).fired).toEqual([]);
    expect((await scheduler.catalog.list())[0]).toMatchObject({ pipelineId: 'off', enabled: false, specEnabled: false, enabledOverride: null });
    await scheduler.catalog.setEnabled('off', undefined, true);
    clock.advance(HOUR);
    expect(slots(await scheduler.tick())).toEqual(['2026-01-01T02:00:00.000Z']);
  });

  it('runs each of several schedules with its own params over the defaults', async () => {
    const { t, clock, scheduler } = await setup('2026-01-01T00:50:00.000Z', [
      scheduled(
        'regions',
        [
          { cron: '0 * * * *', params: { region: 'us' } },
          { cron: '0 * * * *', params: { region: 'apac', full: true } },
          { cron: '*/30 * * * *' },
        ],
        { params: { region: { type: 'string', default: 'eu' }, full: { type: 'boolean', default: false } } },
      ),
    ]);
    clock.advance(10 * MINUTE);
    const { fired } = await scheduler.tick();
    expect(fired.map((f) => f.scheduleIndex).sort()).toEqual([0, 1, 2]);
    const params = await Promise.all(fired.map(async (f) => ({ index: f.scheduleIndex, params: (await t.platform.waitForRun(f.runId!)).params })));
    expect(params.sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, params: { region: 'us', full: false } },
      { index: 1, params: { region: 'apac', full: true } },
      { index: 2, params: { region: 'eu', full: false } },
    ]);
    clock.advance(30 * MINUTE);
    expect((await scheduler.tick()).fired.map((f) => f.scheduleIndex)).toEqual([2]);
  });

  it('after 3 hours down, skip fires only the latest missed slot and catch_up fires each one (up to max_catch_up)', async () => {
    const { clock, scheduler } = await setup('2026-01-01T00:30:00.000Z', [
      scheduled('skipper', [{ cron: '0 * * * *' }]),
      scheduled('catcher', [{ cron: '0 * * * *', misfire: 'catch_up' }]),
      scheduled('capped', [{ cron: '0 * * * *', misfire: 'catch_up', max_catch_up: 2 }]),
    ]);
    clock.advance(30 * MINUTE);
    const steady = await scheduler.tick();
    for (const id of ['skipper', 'catcher', 'capped']) expect(slots(steady, id)).toEqual(['2026-01-01T01:00:00.000Z']);

    clock.advance(3 * HOUR + 30 * MINUTE); // down from 01:00 to 04:30: 02:00, 03:00 and 04:00 were missed
    const after = await scheduler.tick();
    expect(slots(after, 'skipper')).toEqual(['2026-01-01T04:00:00.000Z']);
    expect(slots(after, 'catcher')).toEqual(['2026-01-01T02:00:00.000Z', '2026-01-01T03:00:00.000Z', '2026-01-01T04:00:00.000Z']);
    expect(slots(after, 'capped')).toEqual(['2026-01-01T03:00:00.000Z', '2026-01-01T04:00:00.000Z']);
    expect(after.fired.every((f) => f.runId && !f.error)).toBe(true);
    expect((await scheduler.tick()).fired).toEqual([]);
  });

  it('lists the next fire times of each schedule in its time zone, and supports a seconds field', async () => {
    const { scheduler } = await setup('2026-03-28T12:00:00.000Z', [
      scheduled('times', [
        { cron: '0 9 * * *', timezone: 'Europe/Paris' },
        { cron: '*/20 * * * * *' },
      ]),
    ]);
    const [paris, seconds] = await scheduler.nextFireTimes('times', 3);
    // Paris moves to summer time on 29 March 2026: 09:00 is 08:00 UTC before, 07:00 UTC after.
    expect(paris?.nextFireTimes).toEqual(['2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z']);
    expect(paris).toMatchObject({ index: 0, cron: '0 9 * * *', timezone: 'Europe/Paris', enabled: true, misfire: 'skip', maxCatchUp: 10 });
    expect(seconds?.nextFireTimes).toEqual(['2026-03-28T12:00:20.000Z', '2026-03-28T12:00:40.000Z', '2026-03-28T12:01:00.000Z']);
  });

  it('gives a scheduled run of a daily partitioned pipeline the partition of the day that ended', async () => {
    const { t, clock, scheduler } = await setup('2026-01-05T00:30:00.000Z', [
      scheduled('daily_parts', [{ cron: '0 1 * * *' }], { partitions: { type: 'daily' } }),
    ]);
    clock.advance(30 * MINUTE);
    const { fired } = await scheduler.tick();
    expect((await t.platform.waitForRun(fired[0]!.runId!)).params).toEqual({ partition: '2026-01-04' });
  });

  it('keeps schedule state by schedule, not by position, when the spec changes', async () => {
    const { t, clock, scheduler } = await setup('2026-01-01T00:30:00.000Z', [scheduled('moving', [{ cron: '0 * * * *' }])]);
    await scheduler.catalog.setEnabled('moving', 0, false);
    // A new schedule inserted in front: the disabled one is now at index 1 and stays disabled.
    await t.platform.registerSpec(scheduled('moving', [{ cron: '15 * * * *' }, { cron: '0 * * * *' }]));
    await scheduler.tick(); // sees the new schedule from 00:30
    clock.advance(HOUR);
    expect((await scheduler.tick()).fired.map((f) => f.scheduleIndex)).toEqual([0]);
    expect((await scheduler.catalog.list({ pipelineId: 'moving' })).map((s) => [s.index, s.enabled])).toEqual([
      [0, true],
      [1, false],
    ]);
  });

  it('lets only the holder of the leader lease fire', async () => {
    const { t, clock, scheduler } = await setup('2026-01-01T00:59:00.000Z', [scheduled('leader', [{ cron: '0 * * * *' }])]);
    const other = new Scheduler({ platform: t.platform, clock });
    opened[0]!.schedulers.push(other);
    clock.advance(MINUTE);
    expect(slots(await scheduler.tick())).toEqual(['2026-01-01T01:00:00.000Z']);
    const follower = await other.tick();
    expect(follower).toEqual({ leader: false, fired: [], triggered: [] });
    await scheduler.stop(); // gives the lease up
    clock.advance(HOUR);
    const taken = await other.tick();
    expect(taken.leader).toBe(true);
    expect(slots(taken)).toEqual(['2026-01-01T02:00:00.000Z']);
  });

  it('ticks on its own once started, on the injected clock', async () => {
    const { clock, scheduler } = await setup('2026-01-01T00:59:59.000Z', [scheduled('looping', [{ cron: '0 * * * *' }])]);
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(1000);
    // The tick the timer started runs asynchronously; the next explicit one shares or follows it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await scheduler.catalog.list())[0]?.lastFiredAt).toBe('2026-01-01T01:00:00.000Z');
    await scheduler.stop();
    expect(scheduler.running).toBe(false);
  });
});

describe('schedule specs', () => {
  it('refuses an invalid cron expression or time zone, naming the schedule', async () => {
    const t = await createTestPlatform();
    opened.push({ t, schedulers: [] });
    await expect(t.platform.registerSpec(scheduled('bad_cron', [{ cron: '61 * * * *' }]))).rejects.toMatchObject({
      code: 'SPEC_INVALID',
      issues: [expect.objectContaining({ path: 'schedules[0].cron' })],
    });
    await expect(t.platform.registerSpec(scheduled('bad_tz', [{ cron: '0 9 * * *', timezone: 'Mars/Olympus' }]))).rejects.toMatchObject({
      code: 'SPEC_INVALID',
      issues: [expect.objectContaining({ path: 'schedules[0].timezone' })],
    });
  });
});
