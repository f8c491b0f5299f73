/**
 * The run state machine. It plans a run from the DAG, decides which tasks are ready, applies
 * trigger rules, retries, timeouts and cancellation, and persists and emits every transition.
 * Executors only place a ready task somewhere and report its outcome; they hold no DAG logic.
 *
 * Each active run is owned by one engine through a lease in the store; every write of the run
 * is checked against that ownership, so two processes sharing Postgres never both drive it.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, TaskError } from '../core/errors.ts';
import type { EventBus } from '../core/event-bus.ts';
import { DEFAULT_RETRY_POLICY, type TaskSpec } from '../core/spec/pipeline-spec.ts';
import { isTerminalRunStatus, isTerminalTaskStatus, type RunStatus, type TaskStatus } from '../core/statuses.ts';
import type { RunRecord, Store, TaskAttemptRecord, TaskRunRecord } from '../store/store.ts';
import { BatchWriter } from './batch-writer.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import type { Executor, SerializedError, TaskDispatch, TaskOutcome } from './executor.ts';
import type { LoadedPipeline } from './loaded-pipeline.ts';
import { decideRetry } from './retry-policy.ts';
import { decideTrigger } from './trigger-rules.ts';

export interface RunEngineOptions {
  store: Store;
  executor: Executor;
  bus: EventBus;
  logger: Logger;
  clock?: Clock;
  /** Identity of this engine in run leases; unique per process. */
  owner?: string;
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** How often active runs are checked for cancel requests from other processes and leases renewed. */
  pollMs?: number;
  /** Sizes of named pools, shared by every run of this engine. A spec's `pools` adds its own. */
  pools?: Record<string, number>;
  random?: () => number;
}

export interface StartRunOptions {
  pipeline: LoadedPipeline;
  params: Record<string, unknown>;
  trigger: string;
  parentRunId?: string | null;
  /** Task runs of an earlier run to reuse as succeeded (re-run from failure). */
  reuse?: ReadonlyMap<string, TaskRunRecord>;
}

interface Attempt {
  number: number;
  controller: AbortController;
  timeoutTimer?: TimerHandle;
  startedAt?: number;
  /** False once the attempt's outcome was decided (timeout, cancel); a late result is discarded. */
  live: boolean;
  /** Whether the executor reported the start. */
  started?: boolean;
  /** Where it runs, once the executor knows. */
  worker?: string | undefined;
}

interface ActiveRun {
  run: RunRecord;
  pipeline: LoadedPipeline;
  tasks: Map<string, TaskSpec>;
  state: Map<string, TaskRunRecord>;
  /** Upstream tasks not yet finished, per task. */
  waitingOn: Map<string, number>;
  ready: string[];
  inFlight: Map<string, Attempt>;
  retryTimers: Map<string, TimerHandle>;
  unfinished: number;
  /** Tasks whose next dispatch may repeat one made by the engine this run was taken over from. */
  mayRepeat: Set<string>;
  cancelling: boolean;
  done: Promise<RunRecord>;
  resolveDone: (run: RunRecord) => void;
  logger: Logger;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class RunEngine {
  readonly owner: string;
  private readonly store: Store;
  private readonly executor: Executor;
  private readonly bus: EventBus;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly random: () => number;
  private readonly poolSizes: Map<string, number>;
  private readonly poolRunning = new Map<string, number>();
  private readonly active = new Map<string, ActiveRun>();
  private readonly writer: BatchWriter;
  private pollTimer: TimerHandle | undefined;
  private lastLeaseRenewal = 0;
  private closed = false;

  constructor(options: RunEngineOptions) {
    this.store = options.store;
    this.executor = options.executor;
    this.bus = options.bus;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1000;
    this.random = options.random ?? Math.random;
    this.poolSizes = new Map(Object.entries(options.pools ?? {}));
    this.writer = new BatchWriter({
      store: this.store,
      owner: this.owner,
      logger: this.logger,
      onLostOwnership: (runIds) => this.abandon(runIds),
    });
  }

  /** Ids of the runs this engine drives now. */
  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /** Creates a run in the store and starts driving it. Resolves once the run is persisted. */
  async startRun(options: StartRunOptions): Promise<RunRecord> {
    if (this.closed) throw new ConflictError('the run engine is closed');
    const { pipeline } = options;
    const now = this.clock.now();
    const run: RunRecord = {
      id: randomUUID(),
      pipelineId: pipeline.spec.id,
      pipelineVersion: pipeline.version,
      status: 'queued',
      params: options.params,
      trigger: options.trigger,
      parentRunId: options.parentRunId ?? null,
      createdAt: iso(now),
      startedAt: null,
      finishedAt: null,
      error: null,
      cancelRequested: false,
      owner: this.owner,
      leaseExpiresAt: iso(now + this.leaseMs),
    };
    const taskRuns = pipeline.spec.tasks.map((task): TaskRunRecord => {
      const reused = options.reuse?.get(task.id);
      if (reused && reused.status === 'succeeded') {
        return { ...reused, runId: run.id, reusedFromRunId: reused.reusedFromRunId ?? reused.runId };
      }
      return blankTaskRun(run.id, task.id);
    });
    await this.store.createRun({ run, taskRuns });
    this.emitRun(run, null);
    this.drive(run, pipeline, taskRuns);
    return { ...run };
  }

  /**
   * Takes over a run left active by a process that stopped (its lease expired): attempts that
   * were under way are counted as lost and the tasks queued again; then the run carries on.
   */
  async resumeRun(runId: string, pipeline: LoadedPipeline): Promise<boolean> {
    if (this.active.has(runId)) return true;
    if (!(await this.store.claimRun(runId, this.owner, this.leaseMs, new Date(this.clock.now())))) return false;
    const run = await this.store.getRun(runId);
    if (!run || isTerminalRunStatus(run.status)) return false;
    const taskRuns = await this.store.getTaskRuns(runId);
    const now = iso(this.clock.now());
    const reattach = new Set<string>();
    for (const taskRun of taskRuns) {
      const inFlight = taskRun.status === 'running' || taskRun.status === 'queued';
      if (inFlight && this.executor.reattach && taskRun.attempts > 0) {
        // The attempt may still be running elsewhere (a remote worker): look for it first.
        reattach.add(taskRun.taskId);
      } else if (inFlight || taskRun.status === 'up_for_retry') {
        // The process that ran it is gone; its attempt can't report, so the task starts over.
        taskRun.status = 'pending';
        taskRun.nextAttemptAt = null;
      }
    }
    const attempts = await this.store.getAttempts(runId);
    for (const attempt of attempts) {
      if (attempt.finishedAt === null && !(reattach.has(attempt.taskId) && attempt.attempt === taskRuns.find((t) => t.taskId === attempt.taskId)?.attempts)) {
        this.writer.attempt({ ...attempt, status: 'failed', finishedAt: now, error: 'the process running this attempt stopped', errorCode: 'INTERNAL' });
      }
    }
    run.owner = this.owner;
    this.logger.info({ run_id: runId, pipeline_id: run.pipelineId, reattaching: reattach.size }, 'resuming run');
    // The stopped engine records a dispatch after making it: any unfinished task may have one
    // under way that the store does not show (its attempt number is then the one dispatched next).
    const mayRepeat = new Set(taskRuns.filter((t) => !isTerminalTaskStatus(t.status)).map((t) => t.taskId));
    this.drive(run, pipeline, taskRuns, mayRepeat);
    const active = this.active.get(runId);
    if (active) await Promise.all([...reattach].map((taskId) => this.reattachAttempt(active, taskId)));
    return true;
  }

  /** Cancels a run driven here: running tasks are aborted, the rest cancelled. */
  cancel(runId: string): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    this.cancelActive(active);
    return true;
  }

  /** Resolves with the finished run (waits for runs driven by other processes by polling the store). */
  async waitForRun(runId: string, pollMs = 200): Promise<RunRecord> {
    const active = this.active.get(runId);
    if (active) return active.done;
    for (;;) {
      const run = await this.store.getRun(runId);
      if (!run) throw new NotFoundError('run', runId);
      if (isTerminalRunStatus(run.status)) return run;
      const again = this.active.get(runId);
      if (again) return again.done;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Stops driving runs: running tasks are aborted and their runs left for another engine to resume. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) this.clock.clearTimeout(this.pollTimer);
    await this.writer.flush();
    // Tasks on remote workers outlive this process: leave them running for the engine that
    // takes the run over (it re-attaches). In-process tasks die with us, so stop them.
    const detach = Boolean(this.executor.reattach);
    for (const active of this.active.values()) {
      for (const attempt of active.inFlight.values()) {
        attempt.live = false;
        if (!detach) attempt.controller.abort(new TaskError('the engine is shutting down', { code: 'TASK_CANCELLED', userCode: false }));
      }
      for (const timer of active.retryTimers.values()) this.clock.clearTimeout(timer);
      await this.store.releaseRun(active.run.id, this.owner).catch(() => undefined);
    }
    this.active.clear();
  }

  // ---- planning -------------------------------------------------------------------------

  private drive(run: RunRecord, pipeline: LoadedPipeline, taskRuns: TaskRunRecord[], mayRepeat = new Set<string>()): void {
    let resolveDone!: (run: RunRecord) => void;
    const done = new Promise<RunRecord>((resolve) => (resolveDone = resolve));
    const active: ActiveRun = {
      run,
      pipeline,
      tasks: new Map(pipeline.spec.tasks.map((task) => [task.id, task])),
      state: new Map(taskRuns.map((taskRun) => [taskRun.taskId, taskRun])),
      waitingOn: new Map(),
      ready: [],
      inFlight: new Map(),
      retryTimers: new Map(),
      unfinished: 0,
      mayRepeat,
      cancelling: false,
      done,
      resolveDone,
      logger: this.logger.child({ run_id: run.id, pipeline_id: run.pipelineId }),
    };
    this.active.set(run.id, active);
    this.ensurePolling();

    for (const task of pipeline.spec.tasks) {
      const status = (active.state.get(task.id) as TaskRunRecord).status;
      if (!isTerminalTaskStatus(status)) active.unfinished++;
      const ups = pipeline.dag.upstream.get(task.id) ?? [];
      active.waitingOn.set(task.id, ups.filter((up) => !isTerminalTaskStatus((active.state.get(up) as TaskRunRecord).status)).length);
    }
    if (run.status !== 'running') {
      const previous = run.status;
      run.status = 'running';
      run.startedAt = iso(this.clock.now());
      this.emitRun(run, previous);
    }
    if (run.cancelRequested) {
      this.cancelActive(active);
      return;
    }
    for (const id of pipeline.dag.order) {
      const taskRun = active.state.get(id) as TaskRunRecord;
      if (taskRun.status === 'pending' && active.waitingOn.get(id) === 0) this.evaluate(active, id);
    }
    this.pump(active);
    this.maybeFinish(active);
  }

  /** All upstream tasks of `taskId` have finished: apply its trigger rule. */
  private evaluate(active: ActiveRun, taskId: string): void {
    const task = active.tasks.get(taskId) as TaskSpec;
    if (active.cancelling) return this.finishTask(active, taskId, 'cancelled', { error: 'run cancelled' });
    const upstream = (active.pipeline.dag.upstream.get(taskId) ?? []).map((up) => (active.state.get(up) as TaskRunRecord).status);
    const decision = decideTrigger(task.trigger_rule, upstream);
    if (decision === 'run') {
      this.setTask(active, taskId, 'queued', { queuedAt: iso(this.clock.now()) });
      active.ready.push(taskId);
    } else {
      const error = decision === 'upstream_failed' ? 'an upstream task failed' : decision === 'skipped' ? `skipped by trigger rule ${task.trigger_rule}` : 'an upstream task was cancelled';
      this.finishTask(active, taskId, decision, { error: decision === 'skipped' ? null : error });
    }
  }

  // ---- dispatch -------------------------------------------------------------------------

  private poolOf(active: ActiveRun, task: TaskSpec): string | undefined {
    return task.pool ?? active.pipeline.spec.defaults.pool;
  }

  private poolSize(active: ActiveRun, pool: string): number {
    return this.poolSizes.get(pool) ?? active.pipeline.spec.pools[pool] ?? Infinity;
  }

  /** Starts as many ready tasks as the run's and the pools' limits allow. */
  private pump(active: ActiveRun): void {
    if (active.ready.length === 0) return;
    const limit = active.pipeline.spec.max_parallel ?? Infinity;
    const blocked: string[] = [];
    let index = 0;
    for (; index < active.ready.length && active.inFlight.size < limit; index++) {
      const taskId = active.ready[index] as string;
      const task = active.tasks.get(taskId) as TaskSpec;
      const pool = this.poolOf(active, task);
      if (pool !== undefined) {
        const running = this.poolRunning.get(pool) ?? 0;
        if (running >= this.poolSize(active, pool)) {
          blocked.push(taskId);
          continue;
        }
        this.poolRunning.set(pool, running + 1);
      }
      this.startAttempt(active, taskId);
    }
    active.ready = blocked.concat(active.ready.slice(index));
  }

  /** A pool slot came free: other runs may have tasks waiting for it. */
  private pumpAll(): void {
    for (const active of this.active.values()) this.pump(active);
  }

  private startAttempt(active: ActiveRun, taskId: string): void {
    const taskRun = active.state.get(taskId) as TaskRunRecord;
    taskRun.attempts += 1;
    const attempt: Attempt = { number: taskRun.attempts, controller: new AbortController(), live: true };
    active.inFlight.set(taskId, attempt);
    const dispatch = { ...this.dispatchFor(active, taskId, attempt), ...(active.mayRepeat.delete(taskId) ? { mayRepeat: true } : {}) };
    void this.executor.execute(dispatch).then((outcome) => {
      if (attempt.live) this.endAttempt(active, taskId, attempt, outcome);
    });
  }

  /**
   * Picks an attempt back up after a restart: the executor may still know it (a job on a
   * remote worker); otherwise the attempt is recorded as lost and the task queued again.
   */
  private async reattachAttempt(active: ActiveRun, taskId: string): Promise<void> {
    const taskRun = active.state.get(taskId) as TaskRunRecord;
    const task = active.tasks.get(taskId) as TaskSpec;
    const attempt: Attempt = { number: taskRun.attempts, controller: new AbortController(), live: true, startedAt: taskRun.startedAt ? Date.parse(taskRun.startedAt) : this.clock.now() };
    active.inFlight.set(taskId, attempt);
    const pool = this.poolOf(active, task);
    if (pool !== undefined) this.poolRunning.set(pool, (this.poolRunning.get(pool) ?? 0) + 1);
    let handle: { outcome: Promise<TaskOutcome> } | undefined;
    try {
      if (this.executor.reattach) {
        // Lines recorded before the restart are not recorded again when the executor replays them.
        const loggedLines = await this.store.countLogs({ runId: active.run.id, taskId, attempt: attempt.number });
        handle = await this.executor.reattach({ ...this.dispatchFor(active, taskId, attempt), loggedLines });
      }
    } catch (error) {
      active.logger.warn({ err: error, task_id: taskId }, 'could not re-attach to the task; running it again');
    }
    if (handle) {
      active.logger.info({ task_id: taskId, attempt: attempt.number }, `re-attached to task ${taskId}`);
      void handle.outcome.then((result) => {
        if (attempt.live) this.endAttempt(active, taskId, attempt, result);
      });
      return;
    }
    // Lost: close the attempt and queue the task again, outside the retry budget (not the task's fault).
    attempt.live = false;
    active.inFlight.delete(taskId);
    if (pool !== undefined) this.poolRunning.set(pool, (this.poolRunning.get(pool) ?? 1) - 1);
    this.writer.attempt({ ...this.attemptRecord(active, taskId, attempt, 'failed', this.clock.now(), { code: 'INTERNAL', message: 'the process running this attempt stopped', userCode: false }) });
    if (active.cancelling) return this.maybeFinish(active);
    this.setTask(active, taskId, 'queued', { queuedAt: iso(this.clock.now()) });
    active.ready.push(taskId);
    this.pump(active);
  }

  /** The dispatch of one attempt, wired to this engine's state for start, logs and timeouts. */
  private dispatchFor(active: ActiveRun, taskId: string, attempt: Attempt): TaskDispatch {
    const task = active.tasks.get(taskId) as TaskSpec;
    // Made on the first log line: most attempts of a wide DAG log nothing.
    let logger: Logger | undefined;
    const timeoutMs = task.timeout ?? active.pipeline.spec.defaults.timeout;
    return {
      runId: active.run.id,
      pipelineId: active.run.pipelineId,
      pipelineVersion: active.run.pipelineVersion,
      taskId,
      attempt: attempt.number,
      task,
      params: active.run.params,
      priority: task.priority,
      ...(this.poolOf(active, task) !== undefined ? { pool: this.poolOf(active, task) as string } : {}),
      baseDir: active.pipeline.baseDir,
      sourcePath: active.pipeline.sourcePath,
      signal: attempt.controller.signal,
      onStart: (worker, startedAt) => {
        if (!attempt.live) return;
        if (attempt.started) {
          // The executor names the worker after the start: record it on the running attempt.
          if (worker !== undefined && attempt.worker === undefined) {
            attempt.worker = worker;
            this.writer.attempt(this.attemptRecord(active, taskId, attempt, 'running'));
          }
          return;
        }
        attempt.started = true;
        attempt.startedAt = this.startTime(active, taskId, startedAt);
        attempt.worker = worker;
        this.writer.attempt(this.attemptRecord(active, taskId, attempt, 'running'));
        this.setTask(active, taskId, 'running', { startedAt: iso(attempt.startedAt) });
        if (timeoutMs !== undefined) {
          // A start learnt late (from a remote worker) leaves the rest of the timeout.
          const left = Math.max(0, timeoutMs - (this.clock.now() - attempt.startedAt));
          attempt.timeoutTimer = this.clock.setTimeout(() => this.timeOut(active, taskId, attempt, timeoutMs), left);
        }
      },
      onLog: (entry) => {
        if (!attempt.live) return;
        const ts = iso(this.clock.now());
        this.writer.log({ runId: active.run.id, taskId, attempt: attempt.number, ts, ...entry });
        this.bus.emit('task.log', { runId: active.run.id, pipelineId: active.run.pipelineId, taskId, attempt: attempt.number, ts, ...entry });
        logger ??= active.logger.child({ task_id: taskId, attempt: attempt.number });
        logger.debug({ stream: entry.stream }, entry.message);
      },
    };
  }

  /**
   * When an attempt started: the executor's word for it when it has one, kept between the task's
   * queueing and now (another machine's clock may be off), else now.
   */
  private startTime(active: ActiveRun, taskId: string, reported: number | undefined): number {
    const now = this.clock.now();
    if (reported === undefined || !Number.isFinite(reported)) return now;
    const queuedAt = Date.parse((active.state.get(taskId) as TaskRunRecord).queuedAt ?? '');
    return Math.min(now, Number.isNaN(queuedAt) ? reported : Math.max(queuedAt, reported));
  }

  private timeOut(active: ActiveRun, taskId: string, attempt: Attempt, timeoutMs: number): void {
    if (!attempt.live) return;
    const error = new TaskError(`timed out after ${timeoutMs}ms`, { code: 'TASK_TIMEOUT' });
    // The task may ignore the signal; its late result is discarded because the attempt is no longer live.
    attempt.controller.abort(error);
    this.endAttempt(active, taskId, attempt, { status: 'failed', error: { code: 'TASK_TIMEOUT', message: error.message, userCode: true } });
  }

  private endAttempt(active: ActiveRun, taskId: string, attempt: Attempt, outcome: TaskOutcome): void {
    attempt.live = false;
    if (attempt.timeoutTimer) this.clock.clearTimeout(attempt.timeoutTimer);
    active.inFlight.delete(taskId);
    const task = active.tasks.get(taskId) as TaskSpec;
    const pool = this.poolOf(active, task);
    if (pool !== undefined) this.poolRunning.set(pool, (this.poolRunning.get(pool) ?? 1) - 1);
    const now = this.clock.now();
    const durationMs = attempt.startedAt === undefined ? 0 : now - attempt.startedAt;

    if (outcome.status === 'succeeded') {
      this.writer.attempt(this.attemptRecord(active, taskId, attempt, 'succeeded', now));
      this.finishTask(active, taskId, 'succeeded', { output: outcome.output, durationMs });
    } else if (outcome.status === 'skipped') {
      this.writer.attempt(this.attemptRecord(active, taskId, attempt, 'skipped', now, { code: 'SKIP_TASK', message: outcome.reason, userCode: true }));
      this.finishTask(active, taskId, 'skipped', { error: outcome.reason, durationMs });
    } else if (active.cancelling || outcome.error.code === 'TASK_CANCELLED') {
      this.writer.attempt(this.attemptRecord(active, taskId, attempt, 'cancelled', now, outcome.error));
      this.finishTask(active, taskId, 'cancelled', { error: outcome.error.message, errorCode: outcome.error.code, durationMs });
    } else {
      this.failAttempt(active, taskId, attempt, outcome.error, now, durationMs);
    }
    if (pool !== undefined) this.pumpAll();
    else this.pump(active);
    this.maybeFinish(active);
  }

  private failAttempt(active: ActiveRun, taskId: string, attempt: Attempt, error: SerializedError, now: number, durationMs: number): void {
    const task = active.tasks.get(taskId) as TaskSpec;
    const policy = task.retries ?? active.pipeline.spec.defaults.retries ?? DEFAULT_RETRY_POLICY;
    const decision = decideRetry(policy, attempt.number, { code: error.code, retryDelayMs: error.retryDelayMs ?? null }, this.random);
    this.writer.attempt(this.attemptRecord(active, taskId, attempt, decision.retry ? 'up_for_retry' : 'failed', now, error));
    if (!decision.retry) {
      this.finishTask(active, taskId, 'failed', { error: error.message, errorCode: error.code, durationMs });
      return;
    }
    const nextAttemptAt = now + decision.delayMs;
    this.setTask(active, taskId, 'up_for_retry', { error: error.message, errorCode: error.code, nextAttemptAt: iso(nextAttemptAt) }, { durationMs });
    const timer = this.clock.setTimeout(() => {
      active.retryTimers.delete(taskId);
      if (active.cancelling) return;
      this.setTask(active, taskId, 'queued', { queuedAt: iso(this.clock.now()), nextAttemptAt: null });
      active.ready.push(taskId);
      this.pump(active);
    }, decision.delayMs);
    active.retryTimers.set(taskId, timer);
  }

  // ---- transitions ----------------------------------------------------------------------

  private finishTask(
    active: ActiveRun,
    taskId: string,
    status: TaskStatus,
    details: { output?: unknown; error?: string | null; errorCode?: string | null; durationMs?: number },
  ): void {
    const patch: Partial<TaskRunRecord> = { finishedAt: iso(this.clock.now()), nextAttemptAt: null };
    if (details.output !== undefined) patch.output = details.output;
    if (details.error !== undefined) patch.error = details.error;
    if (details.errorCode !== undefined) patch.errorCode = details.errorCode;
    if (status === 'succeeded') {
      patch.error = null;
      patch.errorCode = null;
    }
    this.setTask(active, taskId, status, patch, { durationMs: details.durationMs });
    active.unfinished--;
    for (const down of active.pipeline.dag.downstream.get(taskId) ?? []) {
      const left = (active.waitingOn.get(down) ?? 1) - 1;
      active.waitingOn.set(down, left);
      if (left === 0 && (active.state.get(down) as TaskRunRecord).status === 'pending') this.evaluate(active, down);
    }
  }

  private setTask(active: ActiveRun, taskId: string, status: TaskStatus, patch: Partial<TaskRunRecord>, extra: { durationMs?: number | undefined } = {}): void {
    const taskRun = active.state.get(taskId) as TaskRunRecord;
    const previous = taskRun.status;
    Object.assign(taskRun, patch);
    taskRun.status = status;
    this.writer.taskRun(taskRun);
    const ts = iso(this.clock.now());
    const event = {
      runId: active.run.id,
      pipelineId: active.run.pipelineId,
      taskId,
      status,
      previous,
      attempt: taskRun.attempts,
      error: taskRun.error,
      errorCode: taskRun.errorCode,
      nextAttemptAt: taskRun.nextAttemptAt,
      ts,
      ...(extra.durationMs !== undefined ? { durationMs: extra.durationMs } : {}),
    };
    this.writer.event({ type: 'task.status', runId: active.run.id, pipelineId: active.run.pipelineId, taskId, ts, payload: { ...event } });
    this.bus.emit('task.status', event);
    const level = status === 'failed' || status === 'up_for_retry' ? 'warn' : 'info';
    active.logger[level]({ task_id: taskId, attempt: taskRun.attempts, status, previous, ...(taskRun.error && status !== 'succeeded' ? { error: taskRun.error } : {}) }, `task ${taskId} ${status}`);
  }

  private emitRun(run: RunRecord, previous: RunStatus | null): void {
    this.writer.run(run);
    const ts = iso(this.clock.now());
    const event = { runId: run.id, pipelineId: run.pipelineId, status: run.status, previous, error: run.error, ts };
    this.writer.event({ type: 'run.status', runId: run.id, pipelineId: run.pipelineId, taskId: null, ts, payload: { ...event } });
    this.bus.emit('run.status', event);
    const level = run.status === 'failed' ? 'warn' : 'info';
    this.logger[level]({ run_id: run.id, pipeline_id: run.pipelineId, status: run.status, ...(run.error ? { error: run.error } : {}) }, `run ${run.status}`);
  }

  private attemptRecord(
    active: ActiveRun,
    taskId: string,
    attempt: Attempt,
    status: TaskStatus,
    finishedAt?: number,
    error?: SerializedError,
  ): TaskAttemptRecord {
    return {
      runId: active.run.id,
      taskId,
      attempt: attempt.number,
      status,
      startedAt: iso(attempt.startedAt ?? this.clock.now()),
      finishedAt: finishedAt === undefined ? null : iso(finishedAt),
      error: error?.message ?? null,
      errorCode: error?.code ?? null,
      errorDetail: error?.stack ?? null,
      worker: attempt.worker ?? null,
    };
  }

  // ---- cancellation and completion --------------------------------------------------------

  private cancelActive(active: ActiveRun): void {
    if (active.cancelling) return;
    active.cancelling = true;
    active.run.cancelRequested = true;
    for (const [taskId, attempt] of [...active.inFlight]) {
      attempt.controller.abort(new TaskError('run cancelled', { code: 'TASK_CANCELLED', userCode: false }));
      this.endAttempt(active, taskId, attempt, { status: 'failed', error: { code: 'TASK_CANCELLED', message: 'run cancelled', userCode: false } });
    }
    for (const [taskId, timer] of active.retryTimers) {
      this.clock.clearTimeout(timer);
      active.retryTimers.delete(taskId);
    }
    active.ready = [];
    for (const [taskId, taskRun] of active.state) {
      if (!isTerminalTaskStatus(taskRun.status)) this.finishTask(active, taskId, 'cancelled', { error: 'run cancelled' });
    }
    this.maybeFinish(active);
  }

  private maybeFinish(active: ActiveRun): void {
    if (active.unfinished > 0 || !this.active.has(active.run.id)) return;
    const statuses = [...active.state.values()].map((t) => t.status);
    const failed = active.state.size > 0 ? [...active.state.values()].filter((t) => t.status === 'failed') : [];
    let status: RunStatus;
    if (active.cancelling) status = 'cancelled';
    else if (statuses.some((s) => s === 'failed' || s === 'upstream_failed')) status = 'failed';
    else if (statuses.some((s) => s === 'cancelled')) status = 'cancelled';
    else status = 'succeeded';
    const previous = active.run.status;
    active.run.status = status;
    active.run.finishedAt = iso(this.clock.now());
    active.run.error =
      status === 'failed' ? failed.map((t) => `task '${t.taskId}' failed: ${t.error ?? 'unknown error'}`).join('; ') || 'an upstream task failed' : status === 'cancelled' ? 'run cancelled' : null;
    active.run.owner = null;
    active.run.leaseExpiresAt = null;
    this.emitRun(active.run, previous);
    this.active.delete(active.run.id);
    void this.writer.flush().then(() => active.resolveDone({ ...active.run }));
  }

  /** Another engine took a run over (our lease expired): stop touching it. */
  private abandon(runIds: string[]): void {
    for (const runId of runIds) {
      const active = this.active.get(runId);
      if (!active) continue;
      this.logger.warn({ run_id: runId }, 'lost ownership of run to another engine; stopping here');
      for (const attempt of active.inFlight.values()) {
        attempt.live = false;
        attempt.controller.abort(new TaskError('run taken over by another engine', { code: 'TASK_CANCELLED', userCode: false }));
      }
      for (const timer of active.retryTimers.values()) this.clock.clearTimeout(timer);
      this.active.delete(runId);
      void this.store.getRun(runId).then((run) => active.resolveDone(run ?? active.run));
    }
  }

  // ---- polling: cancel requests from other processes, lease renewal ----------------------

  private ensurePolling(): void {
    if (this.pollTimer || this.closed) return;
    const tick = (): void => {
      this.pollTimer = undefined;
      void this.poll().finally(() => {
        if (this.active.size > 0 && !this.closed) this.pollTimer = this.clock.setTimeout(tick, this.pollMs);
      });
    };
    this.pollTimer = this.clock.setTimeout(tick, this.pollMs);
    const timer = this.pollTimer as { unref?: () => void };
    timer.unref?.();
  }

  private async poll(): Promise<void> {
    const renew = this.clock.now() - this.lastLeaseRenewal >= this.leaseMs / 3;
    if (renew) this.lastLeaseRenewal = this.clock.now();
    for (const active of [...this.active.values()]) {
      try {
        if (renew && !(await this.store.claimRun(active.run.id, this.owner, this.leaseMs, new Date(this.clock.now())))) {
          this.abandon([active.run.id]);
          continue;
        }
        const stored = await this.store.getRun(active.run.id);
        if (stored?.cancelRequested && !active.cancelling) this.cancelActive(active);
      } catch (error) {
        this.logger.error({ err: error, run_id: active.run.id }, 'failed to poll run state');
      }
    }
  }
}

function blankTaskRun(runId: string, taskId: string): TaskRunRecord {
  return {
    runId,
    taskId,
    status: 'pending',
    attempts: 0,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    error: null,
    errorCode: null,
    output: null,
    reusedFromRunId: null,
  };
}
