/**
 * Crash safety of distributed execution, with real processes: workers SIGKILLed at random
 * moments (the run still succeeds with exactly the expected rows), and a server SIGKILLed
 * mid-run (another server takes the run over and re-attaches to the task on the worker).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import type { Platform } from '../../src/platform.ts';
import { createTestPostgresDatabase, isPostgresReachable, isRedisReachable, REDIS_URL, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { createDeploymentServer, deploymentEnv, startWorker, stopWorkers, type Deployment, type WorkerProcess } from '../helpers/workers.ts';

const BIN = fileURLToPath(new URL('../../bin/datadog.js', import.meta.url));

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable()) || skipWithoutService('Redis', await isRedisReachable());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rows flow generator -> copy -> count, beside slow shell tasks that make kills land mid-task. */
const CHAOS_SPEC: PipelineSpecInput = {
  id: 'chaos',
  defaults: { retries: { max: 3, backoff: { base: 100, cap: 500 } } },
  tasks: [
    { id: 'make', kind: 'source', outputs: ['chaos_events'], config: { connector: { type: 'generator', seed: 11, count: 2000 } } },
    { id: 'copy', kind: 'transform', inputs: ['chaos_events'], outputs: ['chaos_copy'], config: { steps: [{ select: ['event_id', 'event_type', 'amount'] }] } },
    ...Array.from({ length: 4 }, (_, i) => ({ id: `slow${i}`, kind: 'shell', depends_on: ['make'], config: { command: 'sleep 0.4' } })),
    { id: 'count', kind: 'transform', depends_on: ['slow0', 'slow1', 'slow2', 'slow3'], inputs: ['chaos_copy'], outputs: ['chaos_count'], config: { steps: [{ aggregate: { metrics: { n: 'count', ids: { count_distinct: 'event_id' } } } }] } },
  ],
};

describe.skipIf(skip)('distributed crash safety', () => {
  let db: TestPostgresDatabase;
  let dir: string;
  let deployment: Deployment;
  let server: Platform;
  let workers: WorkerProcess[] = [];

  const newServer = (): Promise<Platform> => createDeploymentServer(deployment, dir);

  beforeAll(async () => {
    db = await createTestPostgresDatabase('dd_test_chaos');
    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-chaos-'));
    deployment = { databaseUrl: db.url, redisUrl: REDIS_URL, prefix: `ddchaos-${randomBytes(4).toString('hex')}`, storageUrl: path.join(dir, 'data'), leaseMs: 2000 };
    server = await newServer();
    await server.registerSpec(CHAOS_SPEC);
    workers = await Promise.all([startWorker(deployment), startWorker(deployment), startWorker(deployment)]);
    await Promise.all(workers.map((w) => w.id));
  }, 90_000);

  afterAll(async () => {
    await stopWorkers(workers);
    await server?.close();
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('survives a worker SIGKILLed at a random moment, 20 times, with exactly the expected rows', async () => {
    const kills: string[] = [];
    for (let round = 0; round < 20; round++) {
      const run = await server.triggerRun('chaos');
      await sleep(Math.floor(Math.random() * 1200));
      const victim = workers[Math.floor(Math.random() * workers.length)] as WorkerProcess;
      const detail = await server.getRunDetail(run.id);
      kills.push(`${round}: killed ${await victim.id} while ${detail.tasks.filter((t) => t.status === 'running').map((t) => t.taskId).join(',') || 'nothing ran'}`);
      victim.child.kill('SIGKILL');
      workers = workers.filter((w) => w !== victim);
      workers.push(await startWorker(deployment));
      const finished = await server.waitForRun(run.id);
      expect(finished.status, `round ${round}: ${finished.error}\n${kills.join('\n')}`).toBe('succeeded');
      const counts = await server.datasets.preview('chaos_count', { runId: run.id });
      expect(counts.rows, `round ${round}`).toEqual([{ n: 2000, ids: 2000 }]);
      const copy = await server.datasets.preview('chaos_copy', { runId: run.id, limit: 1 });
      expect(copy.version.rows).toBe(2000);
      const versions = await server.store.listDatasetVersions({ runId: run.id });
      expect(versions.filter((v) => v.dataset === 'chaos_copy')).toHaveLength(1);
    }
  }, 400_000);

  it('finishes a run whose server was SIGKILLed mid-run, re-attaching to the task on the worker', async () => {
    const home = await mkdtemp(path.join(dir, 'killed-server-'));
    const examples = await mkdtemp(path.join(dir, 'no-examples-'));
    const env = { ...deploymentEnv(deployment, home), DATADOG_EXECUTOR: 'distributed' };
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--examples', examples], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const spec = { id: 'restart', tasks: [{ id: 'a', kind: 'noop' }, { id: 'b', kind: 'shell', depends_on: ['a'], config: { command: 'sleep 3' } }, { id: 'c', kind: 'noop', depends_on: ['b'] }] };
    expect((await fetch(`${url}/api/v1/pipelines`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spec }) })).ok).toBe(true);
    const executed = (await (await fetch(`${url}/api/v1/pipelines/restart/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { run: { id: string } };
    const runId = executed.run.id;
    for (let i = 0; i < 200; i++) {
      const status = (await (await fetch(`${url}/api/v1/executions/${runId}/status`)).json()) as { tasks: Array<{ taskId: string; status: string }> };
      if (status.tasks.find((t) => t.taskId === 'b')?.status === 'running') break;
      await sleep(50);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));

    const successor = await newServer();
    try {
      successor.startReconciler(300);
      const finished = await successor.waitForRun(runId);
      expect(finished.status).toBe('succeeded');
      const attempts = await successor.store.getAttempts(runId, 'b');
      // Re-attached: the sleeping task ran once, on the worker, and was not started again.
      expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[1, 'succeeded']]);
    } finally {
      await successor.close();
    }
  }, 90_000);
});
