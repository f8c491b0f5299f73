/**
 * The distributed executor: each ready task becomes a BullMQ job on its pool's queue, and
 * `datadog worker` processes run it. The run engine stays where it is; this only places the
 * attempt and reports back: started (a task still running after a moment reports it, a quick
 * one sends its start time with the outcome), logs (live over Redis pub/sub, and the rest with
 * the outcome: see AttemptLogs), outcome (the worker's report, also kept as the job's return
 * value for a server that missed the report: see TaskJobReport). Cancellation and timeouts reach
 * the worker through a cancel channel. Job ids are deterministic per attempt, so a re-dispatch
 * never adds a second job.
 */
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Executor, TaskDispatch, TaskOutcome } from '../../executor.ts';
import { AttemptLogs } from './attempt-logs.ts';
import { channels, queueName, taskJobId, type TaskChannels, type TaskJobData, type TaskJobReport, type TaskJobResult, type TaskLogMessage } from './task-job.ts';

export interface DistributedExecutorOptions {
  redisUrl: string;
  /** Key prefix of every queue and channel, so deployments (and tests) sharing a Redis stay apart. */
  prefix?: string;
  logger: Logger;
  /** How often waiting attempts are checked against the queue (default WATCHDOG_MS). */
  watchdogMs?: number;
}

interface Waiter {
  dispatch: TaskDispatch;
  resolve: (outcome: TaskOutcome) => void;
  logs: AttemptLogs;
  data?: TaskJobData;
  /** When the attempt started waiting (ms since epoch). */
  since: number;
}

/**
 * How often waiting attempts are checked against the queue: a report missed (no connection when
 * it was sent), a job failed by BullMQ itself (it stalled too often), an attempt added again
 * after a restart whose job already existed, a Redis that lost its data.
 */
const WATCHDOG_MS = 3000;

const lostOutcome = (message: string): TaskOutcome => ({ status: 'failed', error: { code: 'INTERNAL', message, userCode: false } });

export class DistributedExecutor implements Executor {
  readonly name = 'distributed';
  readonly prefix: string;
  private readonly queues = new Map<string, Queue>();
  private readonly opening = new Map<string, Promise<Queue>>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels: TaskChannels;
  private ready: Promise<void>;
  private closed = false;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly watchdogMs: number;

  constructor(private readonly options: DistributedExecutorOptions) {
    this.prefix = options.prefix ?? 'datadog';
    this.channels = channels(this.prefix);
    this.publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (channel: string, text: string) => (channel === this.channels.reports ? this.onReport(text) : this.onLogMessage(text)));
    this.ready = this.subscriber.subscribe(this.channels.reports, this.channels.logs).then(() => undefined);
    // ioredis reconnects by itself; errors while Redis is away are expected and retried.
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error) => options.logger.debug({ err: error }, 'redis connection error'));
    this.watchdogMs = options.watchdogMs ?? WATCHDOG_MS;
    this.watchdog = setInterval(() => void this.checkWaiting(), this.watchdogMs);
    this.watchdog.unref();
  }

  async execute(dispatch: TaskDispatch): Promise<TaskOutcome> {
    await this.ready;
    const jobId = taskJobId(dispatch.runId, dispatch.taskId, dispatch.attempt);
    const outcome = this.wait(jobId, dispatch);
    const data: TaskJobData = {
      runId: dispatch.runId,
      pipelineId: dispatch.pipelineId,
      pipelineVersion: dispatch.pipelineVersion,
      taskId: dispatch.taskId,
      attempt: dispatch.attempt,
      params: { ...dispatch.params },
      baseDir: dispatch.baseDir,
    };
    const waiter = this.waiters.get(jobId);
    if (waiter) waiter.data = data;
    try {
      const queue = await this.queue(dispatch.pool ?? dispatch.task.pool);
      // BullMQ: a lower number is a higher priority; 0 means none (the fastest path).
      const priority = dispatch.priority > 0 ? Math.max(1, 1000 - dispatch.priority) : dispatch.priority < 0 ? 1000 - dispatch.priority : undefined;
      // Adding an attempt's job again (after a server restart) adds nothing. Such a job may have
      // finished already, with its report sent to no one: settle from its stored state.
      await queue.add(dispatch.taskId, data, jobOptions(jobId, priority));
      if (dispatch.mayRepeat) void this.settleFromState(queue, jobId);
    } catch (error) {
      this.settle(jobId, lostOutcome(`could not enqueue the task: ${(error as Error).message}`));
    }
    return outcome;
  }

  async reattach(dispatch: TaskDispatch): Promise<{ outcome: Promise<TaskOutcome> } | undefined> {
    await this.ready;
    const jobId = taskJobId(dispatch.runId, dispatch.taskId, dispatch.attempt);
    const queue = await this.queue(dispatch.pool ?? dispatch.task.pool);
    const job = await Job.fromId(queue, jobId);
    if (!job) return undefined;
    const outcome = this.wait(jobId, dispatch);
    void this.settleFromState(queue, jobId);
    return { outcome };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    for (const [jobId, waiter] of this.waiters) {
      this.waiters.delete(jobId);
      waiter.resolve(lostOutcome('the server stopped while the task ran; it will be picked up on restart'));
    }
    await Promise.allSettled(this.opening.values());
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  // ---- internals --------------------------------------------------------------------------

  private wait(jobId: string, dispatch: TaskDispatch): Promise<TaskOutcome> {
    return new Promise<TaskOutcome>((resolve) => {
      const logs = new AttemptLogs((entry) => dispatch.onLog(entry), dispatch.loggedLines ?? 0);
      this.waiters.set(jobId, { dispatch, resolve, logs, since: Date.now() });
      const onAbort = (): void => void this.cancel(jobId, dispatch);
      if (dispatch.signal.aborted) onAbort();
      else dispatch.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private settle(jobId: string, outcome: TaskJobResult): void {
    const waiter = this.waiters.get(jobId);
    if (!waiter) return;
    this.waiters.delete(jobId);
    // The worker's outcome names it and says when it started (a quick task reports its start
    // only here). An outcome made here (cancelled, lost) has no worker and no start.
    if (outcome.worker) waiter.dispatch.onStart(outcome.worker, outcome.startedAt);
    // Before the end: the attempt's lines are recorded ahead of its final state.
    if (outcome.logs) waiter.logs.final(outcome.logs);
    const { worker: _worker, startedAt: _startedAt, logs: _logs, ...result } = outcome;
    waiter.resolve(result as TaskOutcome);
  }

  /** Settles from the job's stored state when it already finished (events before we listened are not replayed). */
  private async settleFromState(queue: Queue, jobId: string): Promise<void> {
    const job = await Job.fromId(queue, jobId).catch(() => undefined);
    if (!job) return;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      // Read the job again: it may have finished between the first read and getState.
      const done = await Job.fromId(queue, jobId).catch(() => undefined);
      if (!done) return;
      if (state === 'failed') this.settle(jobId, lostOutcome(done.failedReason || 'the task job failed'));
      else if (done.returnvalue !== null && done.returnvalue !== undefined) this.settle(jobId, parseOutcome(done.returnvalue));
    } else if (state === 'active') {
      this.waiters.get(jobId)?.dispatch.onStart(job.processedBy || undefined, job.processedOn);
    }
  }

  /** Cancelling: remove the job if no worker took it yet, and tell the workers to abort it otherwise. */
  private async cancel(jobId: string, dispatch: TaskDispatch): Promise<void> {
    try {
      const queue = await this.queue(dispatch.pool ?? dispatch.task.pool);
      const job = await Job.fromId(queue, jobId);
      const state = job ? await job.getState() : undefined;
      if (job && (state === 'waiting' || state === 'prioritized' || state === 'delayed')) await job.remove().catch(() => undefined);
      await this.publisher.publish(this.channels.cancel, jobId);
    } catch (error) {
      this.options.logger.warn({ err: error, job_id: jobId }, 'could not send the cancel to workers');
    }
    // The engine has already decided the attempt's fate; release the waiter.
    this.settle(jobId, { status: 'failed', error: { code: 'TASK_CANCELLED', message: 'cancelled', userCode: false } });
  }

  /** The pool's queue (opened once, however many ask at once). */
  private queue(pool: string | undefined): Promise<Queue> {
    const name = queueName(pool);
    let opening = this.opening.get(name);
    if (!opening) {
      opening = this.openQueue(name);
      this.opening.set(name, opening);
      // A failed open (Redis away) is tried again by the next dispatch.
      opening.catch(() => this.opening.delete(name));
    }
    return opening;
  }

  private async openQueue(name: string): Promise<Queue> {
    // No auto-pipelining: it delays every add to the next turn of the event loop and builds an
    // ioredis Pipeline per flush (which copies every BullMQ script onto it). Measured here, a
    // chain's hop was about a tenth faster without it, and a wave of 2,000 adds no slower.
    const queue = new Queue(name, { connection: { url: this.options.redisUrl, maxRetriesPerRequest: null }, prefix: this.prefix });
    queue.on('error', (error) => this.options.logger.debug({ err: error }, 'queue error'));
    try {
      await queue.waitUntilReady();
    } catch (error) {
      await queue.close();
      throw error;
    }
    this.queues.set(name, queue);
    return queue;
  }

  /**
   * Re-checks the attempts that have waited longer than a watchdog period: settles those whose
   * end was missed, and adds again the jobs the queue lost (a Redis restarted without
   * persistence). Same job id, so a job that still exists is never duplicated. Younger attempts
   * are left alone: in a wave of thousands their events are on the way, and reading each job
   * would cost Redis two calls apiece.
   */
  private async checkWaiting(): Promise<void> {
    const due = Date.now() - this.watchdogMs;
    for (const [jobId, waiter] of [...this.waiters]) {
      if (this.closed) return;
      if (waiter.since > due) continue;
      try {
        const queue = await this.queue(waiter.dispatch.pool ?? waiter.dispatch.task.pool);
        const job = await Job.fromId(queue, jobId);
        if (job) {
          await this.settleFromState(queue, jobId);
        } else if (waiter.data && this.waiters.has(jobId)) {
          this.options.logger.warn({ job_id: jobId }, 'task job missing from the queue; adding it again');
          await queue.add(waiter.dispatch.taskId, waiter.data, jobOptions(jobId, undefined));
        }
      } catch (error) {
        this.options.logger.debug({ err: error, job_id: jobId }, 'could not check a waiting task job');
      }
    }
  }

  /** A worker's report: the start of a task still running, or an outcome. */
  private onReport(text: string): void {
    const report = parseMessage<TaskJobReport>(text);
    if (report?.event === 'started') this.waiters.get(report.jobId)?.dispatch.onStart(report.worker, report.startedAt);
    else if (report?.event === 'finished') this.settle(report.jobId, parseOutcome(report.result));
  }

  private onLogMessage(text: string): void {
    const message = parseMessage<TaskLogMessage>(text);
    if (message) this.waiters.get(message.jobId)?.logs.live(message);
  }
}

/** A message from a channel, or undefined when it is not JSON (someone else's publish). */
function parseMessage<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function jobOptions(jobId: string, priority: number | undefined) {
  return { jobId, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600 }, ...(priority ? { priority } : {}) };
}

function parseOutcome(value: unknown): TaskJobResult {
  const outcome = typeof value === 'string' ? (JSON.parse(value) as TaskJobResult) : (value as TaskJobResult);
  if (!outcome || typeof outcome !== 'object' || !('status' in outcome)) return lostOutcome('the worker returned no outcome');
  return outcome;
}
