/**
 * A `datadog worker`: takes task jobs from the queues of its pools and runs them with the same
 * task code as the local executor (`runTask`). It reports the start of a long task and every
 * outcome on the reports channel, forwards log lines over Redis pub/sub, aborts a job when the
 * server sends a cancel, heartbeats into the worker registry, and on SIGTERM stops taking jobs
 * and finishes the ones it holds within a deadline. A worker killed mid-task loses its job lock; BullMQ's stalled-job check hands the
 * job to another worker, and task outputs are idempotent (staging, then publish).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Platform } from '../../../platform.ts';
import type { TaskSpec } from '../../../core/spec/pipeline-spec.ts';
import type { TaskDispatch } from '../../executor.ts';
import type { LoadedPipeline } from '../../loaded-pipeline.ts';
import { runTask } from '../../task-runner.ts';
import { LogTail } from './log-tail.ts';
import { channels, queueName, taskJobId, type TaskChannels, type TaskJobData, type TaskJobReport, type TaskJobResult, type TaskLogEntry, type TaskLogMessage } from './task-job.ts';
import { WorkerRegistry, type WorkerInfo } from './worker-registry.ts';

export interface TaskWorkerOptions {
  platform: Platform;
  redisUrl: string;
  prefix?: string;
  /** Pools to take tasks from (default: `default`). */
  pools?: string[];
  /** Tasks run at once by this worker, over all its pools. */
  concurrency?: number;
  /** How long a job lock lasts without renewal; a worker silent this long is presumed dead. */
  lockDurationMs?: number;
  heartbeatMs?: number;
  logger: Logger;
}

const LOG_FLUSH_MS = 100;
/** Size of the log tail an outcome carries (its job's return value stays in Redis for an hour). */
const OUTCOME_LOG_BYTES = 256 * 1024;

/** Tasks by id per loaded pipeline: a wide DAG's thousands of jobs each look theirs up. */
const taskIndexes = new WeakMap<LoadedPipeline, Map<string, TaskSpec>>();
function taskIndex(pipeline: LoadedPipeline): Map<string, TaskSpec> {
  let index = taskIndexes.get(pipeline);
  if (!index) {
    index = new Map(pipeline.spec.tasks.map((t) => [t.id, t]));
    taskIndexes.set(pipeline, index);
  }
  return index;
}
/**
 * A task running longer than this reports its start and worker on its own; a shorter one reports
 * them with its outcome, so it costs no Redis call and no server wake-up of its own.
 */
const REPORT_START_AFTER_MS = 200;

export class TaskWorker {
  readonly id: string;
  private readonly workers: Worker[] = [];
  /** Each pool's BullMQ connection, which also carries the reports of its jobs. */
  private readonly connections: Redis[] = [];
  private readonly running = new Map<string, { controller: AbortController; taskId: string; runId: string; startedAt: string }>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly registry: WorkerRegistry;
  private readonly channels: TaskChannels;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(private readonly options: TaskWorkerOptions) {
    this.id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
    const prefix = options.prefix ?? 'datadog';
    this.channels = channels(prefix);
    this.publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error) => options.logger.debug({ err: error }, 'redis connection error'));
    this.registry = new WorkerRegistry(this.publisher, prefix);
  }

  get pools(): string[] {
    return this.options.pools?.length ? this.options.pools : ['default'];
  }

  /** Starts taking jobs. */
  async start(): Promise<void> {
    const { options } = this;
    const prefix = options.prefix ?? 'datadog';
    this.subscriber.on('message', (_channel, jobId: string) => this.running.get(jobId)?.controller.abort(new Error('cancelled by the server')));
    await this.subscriber.subscribe(this.channels.cancel);
    const concurrency = Math.max(1, options.concurrency ?? 4);
    for (const pool of this.pools) {
      // The connection is ours (BullMQ leaves it open on close): outcomes are reported on it.
      // No auto-pipelining: it delays every command to the next turn of the event loop and
      // builds an ioredis Pipeline per flush (which copies every BullMQ script onto it); measured
      // here, a chain's hop was about a fifth faster without it, and no-op throughput no lower.
      const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', (error) => options.logger.debug({ err: error }, 'redis connection error'));
      this.connections.push(connection);
      const worker = new Worker<TaskJobData, TaskJobResult>(queueName(pool), (job) => this.process(job, connection), {
        connection,
        prefix,
        // Stored on each job it takes (processedBy): a server re-attaching after a restart reads it.
        name: this.id,
        concurrency,
        lockDuration: options.lockDurationMs ?? 10_000,
        stalledInterval: Math.max(1000, Math.floor((options.lockDurationMs ?? 10_000) / 2)),
        // A job whose worker died is handed to another worker; only a job that keeps killing
        // its workers is failed (and then retried by the engine's policy).
        maxStalledCount: 5,
        autorun: true,
      });
      worker.on('error', (error) => options.logger.warn({ err: error }, 'worker error'));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs ?? 5000);
    this.heartbeat.unref();
    options.logger.info({ worker: this.id, pools: this.pools, concurrency }, 'worker ready');
  }

  /**
   * Stops taking jobs and waits for the ones under way, up to `deadlineMs`; past it, running
   * tasks are aborted and their jobs left for another worker (they stall and are re-delivered).
   */
  async stop(deadlineMs = 30_000): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadlineMs).unref());
    if ((await Promise.race([graceful.then(() => 'done' as const), timer])) === 'timeout') {
      this.options.logger.warn({ worker: this.id, running: this.running.size }, 'shutdown deadline passed; handing running tasks back');
      for (const entry of this.running.values()) entry.controller.abort(new Error('worker shutting down'));
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
    await this.registry.remove(this.id).catch(() => undefined);
    for (const connection of this.connections) connection.disconnect();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private async beat(): Promise<void> {
    const info: WorkerInfo = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      pools: this.pools,
      concurrency: Math.max(1, this.options.concurrency ?? 4),
      startedAt: this.startedAt,
      lastHeartbeatAt: new Date().toISOString(),
      tasks: [...this.running.entries()].map(([jobId, t]) => ({ jobId, runId: t.runId, taskId: t.taskId, startedAt: t.startedAt })),
    };
    await this.registry.heartbeat(info).catch((error: unknown) => this.options.logger.debug({ err: error }, 'heartbeat failed'));
  }

  private async process(job: Job<TaskJobData, TaskJobResult>, connection: Redis): Promise<TaskJobResult> {
    const data = job.data;
    const jobId = job.id ?? taskJobId(data.runId, data.taskId, data.attempt);
    const controller = new AbortController();
    const startedAt = Date.now();
    this.running.set(jobId, { controller, taskId: data.taskId, runId: data.runId, startedAt: new Date(startedAt).toISOString() });
    // Lines go out live every LOG_FLUSH_MS, and the last of them again with the outcome.
    const delivery = randomUUID().slice(0, 8);
    const tail = new LogTail(OUTCOME_LOG_BYTES);
    let pending: TaskLogEntry[] = [];
    let pendingFrom = 0;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let startTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      flushTimer = undefined;
      if (pending.length === 0) return;
      const message: TaskLogMessage = { jobId, delivery, from: pendingFrom, entries: pending };
      pendingFrom += pending.length;
      pending = [];
      void this.publisher.publish(this.channels.logs, JSON.stringify(message)).catch(() => undefined);
    };
    // What goes back with every outcome: when the attempt started, and its last log lines.
    const reported = (result: TaskJobResult): TaskJobResult =>
      this.reportFinished(connection, jobId, { ...result, startedAt, ...(tail.count > 0 ? { logs: tail.snapshot(delivery) } : {}) });
    try {
      const pipeline = await this.options.platform.loadPipeline(data.pipelineId, data.pipelineVersion);
      const task = taskIndex(pipeline).get(data.taskId);
      if (!task) {
        return reported({ status: 'failed', error: { code: 'NOT_FOUND', message: `task '${data.taskId}' is not in pipeline ${data.pipelineId}@${data.pipelineVersion}`, userCode: false }, worker: this.id });
      }
      const dispatch: TaskDispatch = {
        runId: data.runId,
        pipelineId: data.pipelineId,
        pipelineVersion: data.pipelineVersion,
        taskId: data.taskId,
        attempt: data.attempt,
        task,
        params: data.params,
        priority: task.priority,
        baseDir: pipeline.baseDir,
        sourcePath: pipeline.sourcePath,
        signal: controller.signal,
        onStart: () => undefined,
        onLog: (entry) => {
          pending.push(entry);
          tail.push(entry);
          flushTimer ??= setTimeout(flush, LOG_FLUSH_MS);
        },
      };
      // A task still running after a moment reports its start now, for the run page (and the
      // engine's timeout, which counts from it); a quick one reports it with its outcome.
      const started: TaskJobReport = { jobId, event: 'started', worker: this.id, startedAt };
      startTimer = setTimeout(() => void this.publisher.publish(this.channels.reports, JSON.stringify(started)).catch(() => undefined), REPORT_START_AFTER_MS);
      const outcome = await runTask(dispatch, { kinds: this.options.platform.taskKinds, home: this.options.platform.config.home });
      if (controller.signal.aborted && outcome.status !== 'succeeded') {
        return reported({ status: 'failed', error: { code: 'TASK_CANCELLED', message: String((controller.signal.reason as Error)?.message ?? 'cancelled'), userCode: false }, worker: this.id });
      }
      // The worker rides along: a quick task, which sent no start report, is named by its outcome.
      return reported({ ...outcome, worker: this.id });
    } catch (error) {
      // The pipeline could not be read (the store away): the engine's retry policy decides.
      return reported({ status: 'failed', error: { code: 'INTERNAL', message: `the worker could not run the task: ${(error as Error).message}`, userCode: false }, worker: this.id });
    } finally {
      if (startTimer) clearTimeout(startTimer);
      if (flushTimer) clearTimeout(flushTimer);
      flush();
      this.running.delete(jobId);
    }
  }

  /**
   * Tells the servers the outcome, then hands it to BullMQ as the job's return value. The report
   * goes on the job's own connection, just ahead of BullMQ's completion (Redis runs a
   * connection's commands in order): the server learns of the end without reading the queue's event
   * stream (where every job's added, waiting, active and completed events would wake it). A
   * server that missed the report reads the return value from the job instead. Should the
   * completion fail (the job's lock lost to a stall), the job runs again elsewhere and the second
   * outcome finds no one waiting: the at-least-once a stalled job always had.
   */
  private reportFinished(connection: Redis, jobId: string, result: TaskJobResult): TaskJobResult {
    const report: TaskJobReport = { jobId, event: 'finished', result };
    void connection.publish(this.channels.reports, JSON.stringify(report)).catch(() => undefined);
    return result;
  }
}
