/**
 * The scheduler on a shared PostgreSQL store: several schedulers in two platforms (standing in
 * for two servers) tick the same due slots at the same time, over and over, and every slot
 * still fires exactly once. This file creates a database of its own and drops it afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());

const HOUR = 3_600_000;
const START = Date.parse('2026-01-01T00:30:00.000Z');

describe.skipIf(skip)('scheduler on Postgres', () => {
  let database: TestPostgresDatabase | undefined;
  const platforms: Platform[] = [];
  const homes: string[] = [];

  beforeAll(async () => {
    database = await createTestPostgresDatabase('dd_test_scheduler');
    for (let i = 0; i < 2; i++) {
      const home = await mkdtemp(path.join(tmpdir(), 'dd-sched-pg-'));
      homes.push(home);
      platforms.push(await createPlatform({ home, databaseUrl: database.url, logger: createLogger({ level: 'silent', pretty: false }) }));
    }
    const spec = {
      id: 'shared_hourly',
      schedules: [
        { cron: '0 * * * *', params: { kind: 'hourly' } },
        { cron: '*/20 * * * *', misfire: 'catch_up' as const, params: { kind: 'catch_up' } },
      ],
      params: { kind: { type: 'string' as const } },
      tasks: [{ id: 'only', kind: 'noop' }],
    };
    // Both "servers" register the same spec, as each would from its examples folder.
    for (const platform of platforms) await platform.registerSpec(spec);
  });

  afterAll(async () => {
    for (const platform of platforms) {
      await Promise.all(platform.engine.activeRunIds().map((id) => platform.waitForRun(id)));
      await platform.close();
    }
    for (const home of homes) await rm(home, { recursive: true, force: true });
    await database?.drop();
  });

  it('fires each slot exactly once while four schedulers in two processes tick it concurrently', async () => {
    // Leader election off: every scheduler tries to fire, so only the slot claim stands between them and a double fire.
    const clocks = [0, 1, 2, 3].map(() => new ManualClock(START));
    const schedulers = clocks.map((clock, i) => new Scheduler({ platform: platforms[i % 2]!, clock, leaderElection: false }));
    try {
      await Promise.all(schedulers.map((s) => s.tick()));
      const rounds = 12;
      for (let round = 0; round < rounds; round++) {
        for (const clock of clocks) clock.advance(HOUR);
        // Several ticks of each scheduler at once: each call after the first shares the pass under way, so tick twice in a row too.
        const results = await Promise.all(schedulers.flatMap((s) => [s.tick(), s.tick().then(() => s.tick())]));
        const fired = results.flatMap((r) => r.fired);
        const end = new Date(START + (round + 1) * HOUR);
        // Per hour: one hourly slot, and the three 20-minute slots that catch_up fires.
        expect(fired.filter((f) => f.scheduleIndex === 0).map((f) => f.slot)).toEqual([new Date(end.getTime() - 30 * 60_000).toISOString()]);
        expect(new Set(fired.filter((f) => f.scheduleIndex === 1).map((f) => f.slot)).size).toBe(fired.filter((f) => f.scheduleIndex === 1).length);
      }
      const runs = (await platforms[0]!.store.listRuns({ pipelineId: 'shared_hourly' })).filter((r) => r.trigger === 'schedule');
      const byKind = (kind: string) => runs.filter((r) => r.params.kind === kind).length;
      expect(byKind('hourly')).toBe(rounds);
      expect(byKind('catch_up')).toBe(rounds * 3);
      const states = await platforms[1]!.store.listScheduleStates('shared_hourly');
      expect(states.map((s) => s.lastFiredAt)).toEqual([new Date(START + rounds * HOUR - 30 * 60_000).toISOString(), new Date(START + rounds * HOUR - 10 * 60_000).toISOString()]);
    } finally {
      for (const s of schedulers) await s.stop();
    }
  });

  it('elects one leader among schedulers racing for the lease, and another once it lets go', async () => {
    const clock = new ManualClock(START + 100 * HOUR);
    const schedulers = [0, 1, 2, 3].map((i) => new Scheduler({ platform: platforms[i % 2]!, clock }));
    try {
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all(schedulers.map((s) => s.tick()));
        expect(results.filter((r) => r.leader)).toHaveLength(1);
      }
      const leader = (await Promise.all(schedulers.map(async (s) => ((await s.tick()).leader ? s : undefined)))).find(Boolean)!;
      await leader.stop();
      const next = await Promise.all(schedulers.filter((s) => s !== leader).map((s) => s.tick()));
      expect(next.filter((r) => r.leader)).toHaveLength(1);
    } finally {
      for (const s of schedulers) await s.stop();
    }
  });
});
