/**
 * The distributed executor against the real Redis, with a bare BullMQ worker standing in for
 * `datadog worker`: how it learns an attempt's start, its worker and its outcome, and how a
 * re-dispatch of an attempt whose job already finished (a server restarted before it recorded
 * the end) is settled from the job instead of waiting or running the task again.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../src/core/spec/pipeline-spec.ts';
import type { TaskDispatch } from '../../src/runtime/executor.ts';
import { DistributedExecutor } from '../../src/runtime/executors/distributed/distributed-executor.ts';
import { queueName, type TaskJobData, type TaskJobResult } from '../../src/runtime/executors/distributed/task-job.ts';
import { deleteKeys } from '../../bench/distributed/bench-deployment.ts';
import { isRedisReachable, REDIS_URL, skipWithoutService } from '../helpers/services.ts';

const skip = skipWithoutService('Redis', await isRedisReachable());

describe.skipIf(skip)('distributed executor', () => {
  const prefix = `ddtest-exec-${randomBytes(4).toString('hex')}`;
  const logger = pino({ level: 'silent' });
  let worker: Worker<TaskJobData, TaskJobResult>;
  let taken = 0;

  beforeAll(async () => {
    // Stands in for `datadog worker`: takes each job once and answers like runTask would.
    worker = new Worker<TaskJobData, TaskJobResult>(
      queueName(undefined),
      async (job) => {
        taken++;
        return { status: 'succeeded', output: { task: job.data.taskId, attempt: job.data.attempt }, worker: 'stand-in-worker' };
      },
      { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix, name: 'stand-in-worker' },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  function dispatch(runId: string, starts: Array<string | undefined>): TaskDispatch {
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
    };
  }

  it('reports the start, then the worker with the outcome', async () => {
    // No watchdog during the test: every report comes from the queue's events.
    const executor = new DistributedExecutor({ redisUrl: REDIS_URL, prefix, logger, watchdogMs: 3_600_000 });
    try {
      const starts: Array<string | undefined> = [];
      const outcome = await executor.execute(dispatch(`run-${randomBytes(3).toString('hex')}`, starts));
      expect(outcome).toEqual({ status: 'succeeded', output: { task: 'extract', attempt: 1 } });
      // The worker's name arrives with the outcome (the `active` event, if seen first, names none).
      expect(starts.at(-1)).toBe('stand-in-worker');
      expect(starts.filter((w) => w !== undefined && w !== 'stand-in-worker')).toEqual([]);
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
    // A new server dispatches the same attempt again: the job id is the same, so BullMQ adds
    // nothing and reports it duplicated; the executor reads the stored result.
    const second = new DistributedExecutor({ redisUrl: REDIS_URL, prefix, logger, watchdogMs: 3_600_000 });
    try {
      const starts: Array<string | undefined> = [];
      expect(await second.execute(dispatch(runId, starts))).toEqual({ status: 'succeeded', output: { task: 'extract', attempt: 1 } });
      expect(starts).toContain('stand-in-worker');
      expect(taken).toBe(before);
    } finally {
      await second.close();
    }
  });
});
