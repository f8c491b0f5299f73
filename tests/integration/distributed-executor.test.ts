/**
 * The distributed executor against the real Redis, with bare BullMQ workers standing in for
 * `datadog worker`: how it learns an attempt's outcome and its worker from the worker's report,
 * how it still learns them from the job when no report reaches it, and how a re-dispatch of an
 * attempt whose job already finished (a server restarted before it recorded the end) is settled
 * from the job instead of waiting or running the task again.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../src/core/spec/pipeline-spec.ts';
import type { TaskDispatch } from '../../src/runtime/executor.ts';
import { DistributedExecutor } from '../../src/runtime/executors/distributed/distributed-executor.ts';
import { channels, queueName, type TaskJobData, type TaskJobReport, type TaskJobResult } from '../../src/runtime/executors/distributed/task-job.ts';
import { deleteKeys } from '../../bench/distributed/bench-deployment.ts';
import { isRedisReachable, REDIS_URL, skipWithoutService } from '../helpers/services.ts';

const skip = skipWithoutService('Redis', await isRedisReachable());

describe.skipIf(skip)('distributed executor', () => {
  const prefix = `ddtest-exec-${randomBytes(4).toString('hex')}`;
  const logger = pino({ level: 'silent' });
  const workers: Array<Worker<TaskJobData, TaskJobResult>> = [];
  const reports = new Redis(REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
  let taken = 0;

  /**
   * Stands in for `datadog worker` on a pool: takes each job once and answers like runTask would,
   * reporting the outcome like a worker does, or (`silent`) only returning it as the job's value.
   */
  function standIn(pool: string, silent: boolean): Worker<TaskJobData, TaskJobResult> {
    return new Worker<TaskJobData, TaskJobResult>(
      queueName(pool),
      async (job) => {
        taken++;
        const result: TaskJobResult = { status: 'succeeded', output: { task: job.data.taskId, attempt: job.data.attempt }, worker: 'stand-in-worker' };
        const report: TaskJobReport = { jobId: job.id as string, event: 'finished', result };
        if (!silent) await reports.publish(channels(prefix).reports, JSON.stringify(report));
        return result;
      },
      { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix, name: 'stand-in-worker' },
    );
  }

  beforeAll(async () => {
    await reports.connect();
    workers.push(standIn('reporting', false), standIn('silent', true));
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    reports.disconnect();
    await deleteKeys(REDIS_URL, prefix);
  });

  function dispatch(runId: string, starts: Array<string | undefined>, extra: Partial<TaskDispatch> = {}): TaskDispatch {
    const task = { id: 'extract', kind: 'noop', depends_on: [], inputs: [], outputs: [], config: {}, priority: 0 } as unknown as TaskSpec;
    return {
      runId,
      pipelineId: 'p',
      pipelineVersion: 'v1',
      taskId: 'extract',
      attempt: 1,
      task,
      params: {},
      priority: 0,
      baseDir: '/tmp',
      sourcePath: null,
      signal: new AbortController().signal,
      onStart: (w) => starts.push(w),
      onLog: () => undefined,
      pool: 'reporting',
      ...extra,
    };
  }

  it("learns the outcome and the worker from the worker's report", async () => {
    // No watchdog during the test: the outcome can only come from the report.
    const executor = new DistributedExecutor({ redisUrl: REDIS_URL, prefix, logger, watchdogMs: 3_600_000 });
    try {
      const starts: Array<string | undefined> = [];
      const outcome = await executor.execute(dispatch(`run-${randomBytes(3).toString('hex')}`, starts));
      expect(outcome).toEqual({ status: 'succeeded', output: { task: 'extract', attempt: 1 } });
      expect(starts).toEqual(['stand-in-worker']);
    } finally {
      await executor.close();
    }
  });

  it('learns the outcome from the job when no report reaches it', async () => {
    // The silent stand-in only completes the job, like a worker whose report no server heard.
    const executor = new DistributedExecutor({ redisUrl: REDIS_URL, prefix, logger, watchdogMs: 200 });
    try {
      const starts: Array<string | undefined> = [];
      const outcome = await executor.execute(dispatch(`run-${randomBytes(3).toString('hex')}`, starts, { pool: 'silent' }));
      expect(outcome).toEqual({ status: 'succeeded', output: { task: 'extract', attempt: 1 } });
      expect(starts).toEqual(['stand-in-worker']);
    } finally {
      await executor.close();
    }
  });

  it('settles a re-dispatched attempt whose job already finished from the job, without running it again', async () => {
    const runId = `run-${randomBytes(3).toString('hex')}`;
    const first = new DistributedExecutor({ redisUrl: REDIS_URL, prefix, logger, watchdogMs: 3_600_000 });
    try {
      expect(await first.execute(dispatch(runId, []))).toMatchObject({ status: 'succeeded' });
    } finally {
      await first.close();
    }
    const before = taken;
    // A new server dispatches the same attempt again, as the first dispatch of a run it took
    // over: the job id is the same, so BullMQ adds nothing, and the executor reads the stored result.
    const second = new DistributedExecutor({ redisUrl: REDIS_URL, prefix, logger, watchdogMs: 3_600_000 });
    try {
      const starts: Array<string | undefined> = [];
      expect(await second.execute(dispatch(runId, starts, { mayRepeat: true }))).toEqual({ status: 'succeeded', output: { task: 'extract', attempt: 1 } });
      expect(starts).toContain('stand-in-worker');
      expect(taken).toBe(before);
    } finally {
      await second.close();
    }
  });
});
