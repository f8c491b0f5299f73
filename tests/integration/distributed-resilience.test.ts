/**
 * Distributed execution when the infrastructure moves under it: a Redis that restarts (and,
 * without persistence, loses its queues) mid-run, and a worker stopped with SIGTERM while it
 * holds a task. The Redis here is a private `redis-server` on its own port, so restarting it
 * disturbs no other test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.ts';
import { createTestPostgresDatabase, IS_CI, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { createDeploymentServer, startWorker, stopWorkers, type Deployment, type WorkerProcess } from '../helpers/workers.ts';

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER as string, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return child;
    await sleep(100);
  }
  throw new Error('private redis-server did not start');
}

if (!REDIS_SERVER && IS_CI) throw new Error('redis-server binary not found; CI=true, so this fails instead of skipping');
const skip = skipWithoutService('PostgreSQL', await isPostgresReachable()) || !REDIS_SERVER;

describe.skipIf(skip)('distributed resilience', () => {
  let db: TestPostgresDatabase;
  let dir: string;
  let port: number;
  let redis: ChildProcess;
  let deployment: Deployment;
  let server: Platform;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    db = await createTestPostgresDatabase('dd_test_resil');
    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-resil-'));
    port = await freePort();
    redis = await startRedis(port, dir);
    deployment = { databaseUrl: db.url, redisUrl: `redis://127.0.0.1:${port}`, prefix: `ddres-${randomBytes(4).toString('hex')}`, storageUrl: path.join(dir, 'data') };
    server = await createDeploymentServer(deployment, dir);
    workers = [await startWorker(deployment, { concurrency: 2 })];
    await workers[0]?.id;
  }, 90_000);

  afterAll(async () => {
    await stopWorkers(workers);
    await server?.close();
    redis?.kill('SIGKILL');
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('carries on after Redis restarts mid-run and loses its queues', async () => {
    await server.registerSpec({
      id: 'redis_restart',
      tasks: [
        { id: 'first', kind: 'shell', config: { command: 'sleep 0.5' } },
        ...Array.from({ length: 6 }, (_, i) => ({ id: `mid${i}`, kind: 'shell', depends_on: ['first'], config: { command: 'sleep 0.3' } })),
        { id: 'last', kind: 'noop', depends_on: Array.from({ length: 6 }, (_, i) => `mid${i}`) },
      ],
    });
    const run = await server.triggerRun('redis_restart');
    await sleep(300);
    redis.kill('SIGKILL');
    await new Promise((r) => redis.on('close', r));
    await sleep(1500);
    redis = await startRedis(port, dir);
    const finished = await server.waitForRun(run.id);
    expect(finished.status, finished.error ?? '').toBe('succeeded');
    const detail = await server.getRunDetail(run.id);
    expect(detail.tasks.every((t) => t.status === 'succeeded')).toBe(true);
  }, 90_000);

  it('lets a worker stopped with SIGTERM finish the task it holds', async () => {
    await server.registerSpec({ id: 'graceful', tasks: [{ id: 'hold', kind: 'shell', config: { command: 'sleep 1.5; echo done' } }] });
    const run = await server.triggerRun('graceful');
    for (let i = 0; i < 200 && (await server.getRunDetail(run.id)).tasks[0]?.status !== 'running'; i++) await sleep(50);
    const worker = workers[0] as WorkerProcess;
    const workerId = await worker.id;
    worker.child.kill('SIGTERM');
    const code = await worker.exited;
    expect(code).toBe(0);
    workers = [];
    const finished = await server.waitForRun(run.id);
    expect(finished.status).toBe('succeeded');
    const attempts = await server.store.getAttempts(run.id, 'hold');
    expect(attempts.map((a) => [a.status, a.worker])).toEqual([['succeeded', workerId]]);
  }, 60_000);
});
