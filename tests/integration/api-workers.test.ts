/**
 * GET /api/v1/workers: the server itself with the local executor; the live `datadog worker`
 * processes (real ones, on the real Redis and Postgres) with the distributed executor.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/api/client.ts';
import type { WorkersResponse } from '../../src/api/schemas.ts';
import { buildServer } from '../../src/api/server.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { createTestPostgresDatabase, isPostgresReachable, isRedisReachable, REDIS_URL, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { startWorker, stopWorkers, type Deployment, type WorkerProcess } from '../helpers/workers.ts';
import { openApi, until, type ApiHarness } from './api-helpers.ts';

/** Removes this file's queues and registry entries from the shared Redis. */
async function deleteRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

describe('GET /api/v1/workers with the local executor', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await openApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lists the server process as the one worker', async () => {
    const res = await api.call('GET', '/api/v1/workers');
    expect(res.statusCode).toBe(200);
    const body = res.json<WorkersResponse>();
    expect(body.executor).toBe('local');
    expect(body.workers).toHaveLength(1);
    expect(body.workers[0]).toMatchObject({
      id: `${os.hostname()}:${process.pid}`,
      host: os.hostname(),
      pid: process.pid,
      pools: ['default'],
      concurrency: api.platform.config.concurrency,
      tasks: [],
    });
  });

  it('shows the tasks running in the server while they run', async () => {
    const spec = { id: 'sleeper', tasks: [{ id: 'nap', kind: 'shell', config: { command: 'sleep 30' } }] };
    expect((await api.call('POST', '/api/v1/pipelines', { spec })).statusCode).toBe(201);
    const run = (await api.call('POST', '/api/v1/pipelines/sleeper/execute', { params: {} })).json<{ run: { id: string } }>().run;
    const running = await until(async () => {
      const [worker] = (await api.call('GET', '/api/v1/workers')).json<WorkersResponse>().workers;
      return worker && worker.tasks.length > 0 ? worker.tasks : undefined;
    }, 'the task to show as running');
    expect(running).toEqual([{ jobId: `${run.id}.nap.1`, runId: run.id, taskId: 'nap', startedAt: expect.any(String) }]);

    expect((await api.call('POST', `/api/v1/executions/${run.id}/cancel`)).statusCode).toBe(200);
    await api.platform.waitForRun(run.id);
    const [after] = (await api.call('GET', '/api/v1/workers')).json<WorkersResponse>().workers;
    expect(after?.tasks).toEqual([]);
  });
});

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable()) || skipWithoutService('Redis', await isRedisReachable());

describe.skipIf(skip)('GET /api/v1/workers with the distributed executor', () => {
  let db: TestPostgresDatabase;
  let dir: string;
  let deployment: Deployment;
  let platform: Platform;
  let app: FastifyInstance;
  let url: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await createTestPostgresDatabase('dd_test_api_workers');
    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-api-workers-'));
    deployment = { databaseUrl: db.url, redisUrl: REDIS_URL, prefix: `ddtest-${randomBytes(4).toString('hex')}`, storageUrl: path.join(dir, 'data') };
    platform = await createPlatform({
      home: path.join(dir, 'server'),
      databaseUrl: deployment.databaseUrl,
      executorKind: 'distributed',
      redisUrl: deployment.redisUrl,
      queuePrefix: deployment.prefix,
      storageUrl: deployment.storageUrl,
      logger: createLogger({ level: 'silent', pretty: false }),
      pollMs: 100,
    });
    app = await buildServer({ platform });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  }, 60_000);

  afterAll(async () => {
    await stopWorkers(workers);
    await app?.close();
    await platform?.close();
    await db?.drop();
    if (deployment) await deleteRedisKeys(`${deployment.prefix}:*`);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers an empty list before any worker of its prefix starts', async () => {
    const body = await new ApiClient(url).workers();
    expect(body).toEqual({ executor: 'distributed', workers: [] });
  });

  it('lists a live worker with its pools and concurrency, and the task it runs', async () => {
    const worker = await startWorker(deployment, { pools: 'default,heavy', concurrency: 3 });
    workers.push(worker);
    const id = await worker.id;
    const api = new ApiClient(url);

    const listed = await api.workers();
    expect(listed.executor).toBe('distributed');
    expect(listed.workers).toHaveLength(1);
    expect(listed.workers[0]).toMatchObject({ id, pid: worker.child.pid, pools: ['default', 'heavy'], concurrency: 3, tasks: [] });

    await platform.registerSpec({ id: 'remote_sleeper', tasks: [{ id: 'nap', kind: 'shell', pool: 'heavy', config: { command: 'sleep 30' } }] });
    const run = await platform.triggerRun('remote_sleeper');
    // Workers report their running tasks with each heartbeat (every 2 s).
    const tasks = await until(async () => {
      const [w] = (await api.workers()).workers;
      return w && w.tasks.length > 0 ? w.tasks : undefined;
    }, 'the worker to report its task', 20_000);
    expect(tasks).toEqual([{ jobId: `${run.id}.nap.1`, runId: run.id, taskId: 'nap', startedAt: expect.any(String) }]);
    await platform.cancelRun(run.id);
  }, 60_000);

  it('drops a worker from the list when it stops', async () => {
    await stopWorkers(workers);
    const after = await until(async () => {
      const listed = await new ApiClient(url).workers();
      return listed.workers.length === 0 ? listed : undefined;
    }, 'the stopped worker to leave the list');
    expect(after.workers).toEqual([]);
  }, 30_000);
});
