/**
 * Distributed execution with the real Redis and Postgres and real `datadog worker` processes:
 * spread over workers, cancellation on workers, pools, two servers at once, and a worker list.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import type { Platform } from '../../src/platform.ts';
import { WorkerRegistry } from '../../src/runtime/executors/distributed/worker-registry.ts';
import { createTestPostgresDatabase, isPostgresReachable, isRedisReachable, REDIS_URL, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { createDeploymentServer, startWorker, stopWorkers, type Deployment, type WorkerProcess } from '../helpers/workers.ts';

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable()) || skipWithoutService('Redis', await isRedisReachable());

describe.skipIf(skip)('distributed execution', () => {
  let db: TestPostgresDatabase;
  let dir: string;
  let deployment: Deployment;
  let server: Platform;
  const workers: WorkerProcess[] = [];

  const newServer = (): Promise<Platform> => createDeploymentServer(deployment, dir);

  async function run(platform: Platform, spec: PipelineSpecInput) {
    await platform.registerSpec(spec);
    const started = await platform.triggerRun(spec.id);
    const finished = await platform.waitForRun(started.id);
    return { run: finished, detail: await platform.getRunDetail(started.id) };
  }

  /** Whether a worker still lists a task of the run after 15 s of checking every 250 ms. */
  async function workersStillRunning(runId: string): Promise<boolean> {
    const redis = new Redis(deployment.redisUrl);
    try {
      const registry = new WorkerRegistry(redis, deployment.prefix);
      let busy = true;
      for (let i = 0; i < 60 && busy; i++) {
        await new Promise((r) => setTimeout(r, 250));
        busy = (await registry.list()).some((w) => w.tasks.some((t) => t.runId === runId));
      }
      return busy;
    } finally {
      redis.disconnect();
    }
  }

  beforeAll(async () => {
    db = await createTestPostgresDatabase('dd_test_dist');
    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-dist-'));
    deployment = { databaseUrl: db.url, redisUrl: REDIS_URL, prefix: `ddtest-${randomBytes(4).toString('hex')}`, storageUrl: path.join(dir, 'data') };
    server = await newServer();
    workers.push(...(await Promise.all([startWorker(deployment), startWorker(deployment), startWorker(deployment)])));
    await Promise.all(workers.map((w) => w.id));
  }, 90_000);

  afterAll(async () => {
    await stopWorkers(workers);
    await server?.close();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('spreads a 200-task run over three workers', async () => {
    const tasks = [
      { id: 'start', kind: 'noop' },
      ...Array.from({ length: 198 }, (_, i) => ({ id: `t${i}`, kind: 'shell', depends_on: ['start'], config: { command: 'true' } })),
      { id: 'end', kind: 'noop', depends_on: Array.from({ length: 198 }, (_, i) => `t${i}`) },
    ];
    const { run: result, detail } = await run(server, { id: 'wide_200', tasks });
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect(detail.tasks.every((t) => t.status === 'succeeded' && t.attempts === 1)).toBe(true);
    const ids = await Promise.all(workers.map((w) => w.id));
    const used = new Set(detail.attempts.map((a) => a.worker));
    expect(used.size).toBe(3);
    for (const worker of used) expect(ids).toContain(worker);
  }, 120_000);

  it('moves data through workers with shared storage and shows logs', async () => {
    const { run: result, detail } = await run(server, {
      id: 'dist_data',
      tasks: [
        { id: 'make', kind: 'source', outputs: ['dist_events'], config: { connector: { type: 'generator', seed: 5, count: 3000 } } },
        { id: 'count', kind: 'transform', inputs: ['dist_events'], outputs: ['dist_counts'], config: { steps: [{ aggregate: { metrics: { n: 'count' } } }] } },
        { id: 'say', kind: 'shell', depends_on: ['count'], config: { command: 'echo "hello from $DATADOG_TASK_ID"' } },
      ],
    });
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect((await server.datasets.preview('dist_counts')).rows).toEqual([{ n: 3000 }]);
    expect(detail.tasks.find((t) => t.taskId === 'make')?.output).toMatchObject({ rows_out: 3000 });
    await new Promise((r) => setTimeout(r, 300));
    const logs = await server.store.getLogs({ runId: result.id, taskId: 'say' });
    expect(logs.map((l) => l.message)).toContain('hello from say');
  }, 60_000);

  it('reads views made on one worker from another', async () => {
    const file = path.join(dir, 'dist-lines.ndjson');
    await writeFile(file, Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i, kind: i % 2 ? 'a' : 'b', user: { name: `u${i % 7}` } })).join('\n') + '\n');
    const { run: result, detail } = await run(server, {
      id: 'dist_views',
      tasks: [
        { id: 'land', kind: 'source', outputs: ['dist_lines'], config: { connector: { type: 'file', path: file }, materialize: 'view' } },
        { id: 'flat', kind: 'transform', inputs: ['dist_lines'], outputs: ['dist_flat'], config: { steps: [{ flatten: { separator: '_' } }], materialize: 'view' } },
        { id: 'per_kind', kind: 'transform', inputs: ['dist_flat'], outputs: ['dist_per_kind'], config: { steps: [{ aggregate: { group_by: ['kind'], metrics: { n: 'count' } } }, { sort: ['kind'] }] } },
      ],
    });
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect(detail.tasks.find((t) => t.taskId === 'flat')?.output).toMatchObject({ rows_in: 500, rows_out: 500 });
    expect((await server.datasets.resolveVersion('dist_lines')).view?.files.map((f) => f.path)).toEqual([file]);
    expect((await server.datasets.resolveVersion('dist_flat')).view?.inputs).toHaveLength(1);
    expect((await server.datasets.preview('dist_per_kind')).rows).toEqual([
      { kind: 'a', n: 250 },
      { kind: 'b', n: 250 },
    ]);
  }, 60_000);

  it('routes pool tasks to workers of that pool', async () => {
    const heavy = await startWorker(deployment, { pools: 'heavy', concurrency: 1 });
    workers.push(heavy);
    const heavyId = await heavy.id;
    const { run: result, detail } = await run(server, {
      id: 'pools',
      tasks: [
        { id: 'light', kind: 'noop' },
        { id: 'big', kind: 'noop', pool: 'heavy', depends_on: ['light'] },
      ],
    });
    expect(result.status).toBe('succeeded');
    expect(detail.attempts.find((a) => a.taskId === 'big')?.worker).toBe(heavyId);
    expect(detail.attempts.find((a) => a.taskId === 'light')?.worker).not.toBe(heavyId);
  }, 60_000);

  // The start is the worker's word: a quick task reports it with its outcome, a longer one as
  // job progress while it runs (the queue's `active` event is not used).
  it('records when each task started on its worker, quick ones and long ones', async () => {
    await server.registerSpec({
      id: 'dist_starts',
      tasks: [
        { id: 'quick', kind: 'sleep', config: { duration: '120ms' } },
        { id: 'long', kind: 'sleep', config: { duration: '1500ms' }, depends_on: ['quick'] },
      ],
    });
    const started = await server.triggerRun('dist_starts');
    let seenRunning: { startedAt: string | null } | undefined;
    for (let i = 0; i < 300 && !seenRunning; i++) {
      const long = (await server.getRunDetail(started.id)).tasks.find((t) => t.taskId === 'long');
      if (long?.status === 'running') seenRunning = long;
      else await new Promise((r) => setTimeout(r, 25));
    }
    const finished = await server.waitForRun(started.id);
    expect(finished.status).toBe('succeeded');
    expect(seenRunning?.startedAt).toBeTruthy();
    const detail = await server.getRunDetail(started.id);
    for (const [taskId, ms] of [['quick', 120], ['long', 1500]] as const) {
      const task = detail.tasks.find((t) => t.taskId === taskId);
      const attempt = detail.attempts.find((a) => a.taskId === taskId);
      const [queued, start, end] = [task?.queuedAt, attempt?.startedAt, attempt?.finishedAt].map((t) => Date.parse(t ?? ''));
      // The attempt covers the sleep, not just the moment the server heard of its end.
      expect(start).toBeGreaterThanOrEqual(queued as number);
      expect((end as number) - (start as number)).toBeGreaterThanOrEqual(ms - 5);
      expect(task?.startedAt).toBe(attempt?.startedAt);
    }
    // A long task showed as running from its start, well before it ended.
    expect(Date.parse(detail.attempts.find((a) => a.taskId === 'long')?.finishedAt ?? '') - Date.parse(seenRunning?.startedAt ?? '')).toBeGreaterThanOrEqual(1400);
  }, 60_000);

  it('cancels a run whose task is running on a worker', async () => {
    await server.registerSpec({ id: 'dist_cancel', tasks: [{ id: 'nap', kind: 'shell', config: { command: 'sleep 30' } }, { id: 'after', kind: 'noop', depends_on: ['nap'] }] });
    const started = await server.triggerRun('dist_cancel');
    for (let i = 0; i < 200 && (await server.getRunDetail(started.id)).tasks.find((t) => t.taskId === 'nap')?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    const begin = Date.now();
    const cancelled = await server.cancelRun(started.id);
    expect(cancelled.status).toBe('cancelled');
    expect(Date.now() - begin).toBeLessThan(5000);
    // The worker aborted the command: its registry entry shows no task for long.
    expect(await workersStillRunning(started.id)).toBe(false);
  }, 60_000);

  it('times out a task running on a worker, and the worker stops it', async () => {
    const startedAt = Date.now();
    const { run: timedOut, detail } = await run(server, { id: 'dist_timeout', tasks: [{ id: 'hang', kind: 'shell', timeout: '1s', retries: 0, config: { command: 'sleep 30' } }] });
    expect(timedOut.status).toBe('failed');
    expect(detail.tasks.find((t) => t.taskId === 'hang')?.errorCode).toBe('TASK_TIMEOUT');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    // The timeout reached the worker: the command was stopped, not left to sleep its 30 s.
    expect(await workersStillRunning(timedOut.id)).toBe(false);
  }, 60_000);

  it('never dispatches a task twice with two servers on the same store', async () => {
    const second = await newServer();
    try {
      second.startReconciler(200);
      server.startReconciler(200);
      const spec: PipelineSpecInput = { id: 'two_servers', tasks: Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, kind: 'noop', depends_on: i ? [`t${i - 1}`] : [] })) };
      await server.registerSpec(spec);
      await second.registerSpec(spec);
      const runs = await Promise.all([...Array.from({ length: 3 }, () => server.triggerRun('two_servers')), ...Array.from({ length: 3 }, () => second.triggerRun('two_servers'))]);
      const finished = await Promise.all(runs.map((r) => (r.owner === second.engine.owner ? second : server).waitForRun(r.id)));
      expect(finished.every((r) => r.status === 'succeeded')).toBe(true);
      for (const r of runs) {
        const attempts = await server.store.getAttempts(r.id);
        expect(attempts).toHaveLength(20);
        expect(attempts.every((a) => a.attempt === 1 && a.status === 'succeeded')).toBe(true);
      }
    } finally {
      await second.close();
    }
  }, 90_000);

  it('hands running tasks over when a server stops gracefully, without cancelling them or losing their log lines', async () => {
    const first = await newServer();
    const command = 'echo before; sleep 0.5; echo during; sleep 2; echo finished';
    await first.registerSpec({ id: 'handover', tasks: [{ id: 'long', kind: 'shell', config: { command } }, { id: 'next', kind: 'noop', depends_on: ['long'] }] });
    const started = await first.triggerRun('handover');
    // Stops once the first line is recorded, and stays away past the second: it is printed while
    // no server listens. Every line must end up recorded exactly once.
    for (let i = 0; i < 200 && (await first.store.getLogs({ runId: started.id, taskId: 'long' })).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await first.close();
    await new Promise((r) => setTimeout(r, 1000));
    const successor = await newServer();
    try {
      successor.startReconciler(200);
      const finished = await successor.waitForRun(started.id);
      expect(finished.status, finished.error ?? '').toBe('succeeded');
      const attempts = await successor.store.getAttempts(started.id, 'long');
      expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'succeeded']]);
      const logs = await successor.store.getLogs({ runId: started.id, taskId: 'long' });
      expect(logs.map((l) => l.message)).toEqual(['before', 'during', 'finished']);
    } finally {
      await successor.close();
    }
  }, 60_000);

  it('routes tasks by the pipeline default pool too', async () => {
    const { run: result, detail } = await run(server, { id: 'default_pool', defaults: { pool: 'heavy' }, tasks: [{ id: 'a', kind: 'noop' }] });
    expect(result.status).toBe('succeeded');
    const heavyIds = await Promise.all(workers.slice(3).map((w) => w.id));
    expect(heavyIds).toContain(detail.attempts[0]?.worker);
  }, 60_000);

  it('lists the live workers with their pools and heartbeats', async () => {
    const redis = new Redis(deployment.redisUrl);
    try {
      const list = await new WorkerRegistry(redis, deployment.prefix).list();
      const ids = await Promise.all(workers.map((w) => w.id));
      expect(list.map((w) => w.id).sort()).toEqual([...ids].sort());
      expect(list.find((w) => w.pools.includes('heavy'))).toBeDefined();
      expect(Date.now() - Date.parse(list[0]?.lastHeartbeatAt ?? '')).toBeLessThan(10_000);
    } finally {
      redis.disconnect();
    }
  });
});
