/**
 * Backfills: one run per partition of a range, at most `concurrency` at once, driven from the
 * store so that the work survives the process. A backfill is driven by one process at a time,
 * the holder of its lease (renewed while it drives); a server's scheduler loop takes over
 * backfills whose driver stopped. Partition states move pending -> running -> succeeded |
 * failed | cancelled, each move a conditional update, and a running partition's state is
 * read back from its run, so any process reading a backfill sees it as it is.
 *
 * - cancel: the backfill and its pending partitions become cancelled at once; running runs are
 *   cancelled and their partitions follow their runs.
 * - resume: failed and cancelled partitions go back to pending; those whose run failed re-run
 *   it from the failure (its succeeded tasks reused), the others start afresh.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ConflictError, messageOf, NotFoundError, ValidationError } from '../core/errors.ts';
import { resolveParams } from '../core/spec/params.ts';
import { isTerminalRunStatus } from '../core/statuses.ts';
import { systemClock, type Clock, type TimerHandle } from '../runtime/clock.ts';
import type { BackfillPartitionRecord, BackfillRecord, BackfillStatus, RunRecord } from '../store/store.ts';
import { backfillProgress, type BackfillDetail } from './backfill-progress.ts';
import { partitionKeys } from './partitions.ts';
import type { SchedulerPlatform } from './scheduler-platform.ts';

/** What to backfill. */
export interface CreateBackfillInput {
  pipelineId: string;
  /** First and last partition (inclusive); static partitions may leave them out for all. */
  from?: string | undefined;
  to?: string | undefined;
  /** Runs at once (default 4). */
  concurrency?: number | undefined;
  /** Params for every run besides the partition key. */
  params?: Record<string, unknown> | undefined;
}

export interface BackfillRunnerOptions {
  platform: SchedulerPlatform;
  clock?: Clock;
  /** This process in backfill leases. */
  owner?: string;
  /** How long a backfill lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** How often driven backfills are checked for runs finished elsewhere and leases renewed (default 1 s). */
  pollMs?: number;
  logger?: Logger;
}

/** Runs at once when a backfill does not say. */
export const DEFAULT_BACKFILL_CONCURRENCY = 4;
export const MAX_BACKFILL_CONCURRENCY = 100;

interface Driving {
  busy: Promise<void> | undefined;
  again: boolean;
}

/**
 * Creates, drives, cancels and resumes backfills.
 *
 * @example
 * const runner = new BackfillRunner({ platform });
 * const { backfill } = await runner.create({ pipelineId: 'daily_sales', from: '2026-01-01', to: '2026-01-31', concurrency: 4 });
 * const done = await runner.waitFor(backfill.id, (d) => console.log(`${d.progress.done}/${d.progress.total}`));
 */
export class BackfillRunner {
  readonly owner: string;
  readonly #platform: SchedulerPlatform;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #logger: Logger;
  readonly #driving = new Map<string, Driving>();
  /** Run id to backfill id, for the runs started here: their end wakes the backfill up. */
  readonly #runs = new Map<string, string>();
  readonly #params = new Map<string, string>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #timer: TimerHandle | undefined;
  #offBus: (() => void) | undefined;
  #stopped = false;

  constructor(options: BackfillRunnerOptions) {
    this.#platform = options.platform;
    this.#clock = options.clock ?? systemClock;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 1000;
    this.#logger = options.logger ?? options.platform.logger;
  }

  /** Checks the range, stores the backfill with its partitions, and starts driving it here. */
  async create(input: CreateBackfillInput): Promise<BackfillDetail> {
    const { store } = this.#platform;
    const pipeline = await store.getPipeline(input.pipelineId);
    if (!pipeline) throw new NotFoundError('pipeline', input.pipelineId);
    const spec = (await store.getPipelineVersion(pipeline.id, pipeline.currentVersion))?.spec;
    if (!spec?.partitions) {
      throw new ValidationError(`pipeline '${pipeline.id}' is not partitioned`, [{ path: 'pipeline', message: 'add `partitions` (daily, hourly or static) to its spec to backfill it' }]);
    }
    const concurrency = input.concurrency ?? DEFAULT_BACKFILL_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_BACKFILL_CONCURRENCY) {
      throw new ValidationError('invalid backfill', [{ path: 'concurrency', message: `expected a whole number from 1 to ${MAX_BACKFILL_CONCURRENCY}, got ${concurrency}` }]);
    }
    const keys = partitionKeys(spec.partitions, { from: input.from, to: input.to });
    const params = input.params ?? {};
    // Bad params fail here, before a backfill of runs that would each fail the same way.
    resolveParams(spec, { ...params, [spec.partitions.param]: keys[0] });
    const now = new Date(this.#clock.now()).toISOString();
    const backfill: BackfillRecord = {
      id: randomUUID(),
      pipelineId: pipeline.id,
      from: keys[0] ?? '',
      to: keys[keys.length - 1] ?? '',
      status: 'running',
      concurrency,
      params,
      total: keys.length,
      createdAt: now,
      finishedAt: null,
      owner: null,
      leaseExpiresAt: null,
    };
    const partitions = keys.map(
      (partitionKey, position): BackfillPartitionRecord => ({ backfillId: backfill.id, partitionKey, position, status: 'pending', runId: null, previousRunId: null, updatedAt: now }),
    );
    await store.createBackfill(backfill, partitions);
    this.#logger.info({ backfill_id: backfill.id, pipeline_id: pipeline.id, partitions: keys.length, concurrency }, `backfill of ${pipeline.id}: ${keys.length} partition(s) from ${backfill.from} to ${backfill.to}`);
    await this.drive(backfill.id);
    return this.get(backfill.id);
  }

  /** A backfill with its partitions (each as its run says) and progress. */
  async get(id: string): Promise<BackfillDetail> {
    const backfill = await this.#platform.store.getBackfill(id);
    if (!backfill) throw new NotFoundError('backfill', id);
    const partitions = await this.#refresh(backfill);
    return { backfill, partitions, progress: backfillProgress(partitions) };
  }

  /** Backfills, newest first. */
  list(filter: { pipelineId?: string; status?: BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    return this.#platform.store.listBackfills(filter);
  }

  /** Cancels a running backfill as one unit: pending partitions at once, running runs through cancellation. */
  async cancel(id: string): Promise<BackfillDetail> {
    const { store } = this.#platform;
    const backfill = await store.getBackfill(id);
    if (!backfill) throw new NotFoundError('backfill', id);
    const now = new Date(this.#clock.now());
    if (backfill.status !== 'running' || !(await store.updateBackfill(id, { status: 'cancelled', finishedAt: now.toISOString() }, ['running']))) {
      throw new ConflictError(`backfill ${id} is already ${backfill.status}`, { status: backfill.status });
    }
    for (const partition of await store.getBackfillPartitions(id)) {
      if (partition.status === 'pending') await store.updateBackfillPartition(id, partition.partitionKey, { status: 'cancelled' }, now, ['pending']);
      else if (partition.status === 'running' && partition.runId) await this.#cancelRun(partition.runId);
    }
    this.#logger.info({ backfill_id: id }, `backfill ${id} cancelled`);
    this.#notify(id);
    return this.get(id);
  }

  /**
   * Runs a failed or cancelled backfill's failed, cancelled and never-run partitions again. A
   * running backfill whose driver stopped (its lease expired) is taken over instead.
   */
  async resume(id: string): Promise<BackfillDetail> {
    const { store } = this.#platform;
    const backfill = await store.getBackfill(id);
    if (!backfill) throw new NotFoundError('backfill', id);
    if (backfill.status === 'running') {
      // Still running: take it over when the process that drove it stopped, else leave it be.
      if (await this.drive(id)) return this.get(id);
      throw new ConflictError(`backfill ${id} is running, driven by ${backfill.owner ?? 'another process'}`, { status: backfill.status, owner: backfill.owner });
    }
    if (backfill.status === 'succeeded') throw new ConflictError(`backfill ${id} succeeded; there is nothing to resume`, { status: backfill.status });
    const now = new Date(this.#clock.now());
    for (const partition of await this.#refresh(backfill)) {
      if (partition.status !== 'failed' && partition.status !== 'cancelled') continue;
      const patch = { status: 'pending' as const, runId: null, previousRunId: partition.runId ?? partition.previousRunId };
      await store.updateBackfillPartition(id, partition.partitionKey, patch, now, ['failed', 'cancelled']);
    }
    if (!(await store.updateBackfill(id, { status: 'running', finishedAt: null }, ['failed', 'cancelled']))) {
      throw new ConflictError(`backfill ${id} changed while resuming; look at it again`);
    }
    this.#logger.info({ backfill_id: id }, `backfill ${id} resumed`);
    await this.drive(id);
    return this.get(id);
  }

  /**
   * Drives a backfill from this process when no other process does (its lease is free or
   * expired): starts partitions up to the concurrency, and more as runs end. False when
   * another process drives it.
   */
  async drive(id: string): Promise<boolean> {
    if (this.#stopped) return false;
    if (!this.#driving.has(id)) {
      if (!(await this.#platform.store.claimBackfill(id, this.owner, this.#leaseMs, new Date(this.#clock.now())))) return false;
      this.#driving.set(id, { busy: undefined, again: false });
      this.#listen();
    }
    await this.#step(id);
    return true;
  }

  /** Takes over running backfills that no process drives (for the scheduler loop). */
  async tick(): Promise<void> {
    for (const backfill of await this.#platform.store.listBackfills({ status: ['running'] })) {
      if (this.#driving.has(backfill.id)) continue;
      try {
        await this.drive(backfill.id);
      } catch (error) {
        this.#logger.error({ err: error, backfill_id: backfill.id }, 'could not drive backfill');
      }
    }
  }

  /** Resolves when the backfill has finished and none of its runs is still going; reports progress on the way. */
  async waitFor(id: string, onProgress?: (detail: BackfillDetail) => void): Promise<BackfillDetail> {
    for (;;) {
      const detail = await this.get(id);
      onProgress?.(detail);
      if (detail.backfill.status !== 'running' && detail.progress.running === 0) return detail;
      await this.#changed(id);
    }
  }

  /** Stops driving: leases are released so another process takes over; runs already started go on. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#offBus?.();
    this.#offBus = undefined;
    const driving = [...this.#driving.entries()];
    this.#driving.clear();
    await Promise.allSettled(driving.map(([, d]) => d.busy));
    for (const [id] of driving) await this.#platform.store.releaseBackfill(id, this.owner).catch(() => undefined);
    for (const id of this.#waiters.keys()) this.#notify(id);
  }

  // ---- driving --------------------------------------------------------------------------

  /** Advances a driven backfill; calls while one is under way make it go round once more. */
  #step(id: string): Promise<void> {
    const state = this.#driving.get(id);
    if (!state) return Promise.resolve();
    if (state.busy) {
      state.again = true;
      return state.busy;
    }
    state.busy = (async () => {
      try {
        do {
          state.again = false;
          await this.#advance(id);
        } while (state.again && this.#driving.has(id));
      } catch (error) {
        this.#logger.error({ err: error, backfill_id: id }, 'backfill step failed; retrying at the next poll');
      } finally {
        state.busy = undefined;
      }
    })();
    return state.busy;
  }

  async #advance(id: string): Promise<void> {
    const { store } = this.#platform;
    const now = new Date(this.#clock.now());
    const backfill = await store.getBackfill(id);
    if (!backfill || !(await store.claimBackfill(id, this.owner, this.#leaseMs, now))) {
      this.#forget(id, false);
      return;
    }
    const partitions = await this.#refresh(backfill, now);
    let running = partitions.filter((p) => p.status === 'running').length;
    if (backfill.status !== 'running') {
      // Cancelled elsewhere: keep reading the runs still stopping, then let go.
      if (running === 0) this.#forget(id, true);
      this.#notify(id);
      return;
    }
    let started = false;
    for (const partition of partitions) {
      if (running >= backfill.concurrency) break;
      if (partition.status !== 'pending') continue;
      if (!(await store.updateBackfillPartition(id, partition.partitionKey, { status: 'running', runId: null }, now, ['pending']))) continue;
      running += 1;
      started = true;
      if (!(await this.#start(backfill, partition, now))) running -= 1;
    }
    if (started) {
      // A run may have ended before its id was recorded: look once more.
      const state = this.#driving.get(id);
      if (state) state.again = true;
    } else if (partitions.every((p) => p.status === 'succeeded' || p.status === 'failed' || p.status === 'cancelled')) {
      const status: BackfillStatus = partitions.every((p) => p.status === 'succeeded') ? 'succeeded' : 'failed';
      if (await store.updateBackfill(id, { status, finishedAt: now.toISOString() }, ['running'])) {
        this.#logger.info({ backfill_id: id, status }, `backfill ${id} ${status}`);
      }
      this.#forget(id, true);
    }
    this.#notify(id);
  }

  /** Starts the run of a partition; false when it could not start (the partition is then failed). */
  async #start(backfill: BackfillRecord, partition: BackfillPartitionRecord, now: Date): Promise<boolean> {
    const { store } = this.#platform;
    let run: RunRecord;
    try {
      run = await this.#startRun(backfill, partition);
    } catch (error) {
      this.#logger.error({ err: error, backfill_id: backfill.id, partition: partition.partitionKey }, `could not start partition ${partition.partitionKey}: ${messageOf(error)}`);
      await store.updateBackfillPartition(backfill.id, partition.partitionKey, { status: 'failed' }, now, ['running']);
      return false;
    }
    this.#runs.set(run.id, backfill.id);
    if (!(await store.updateBackfillPartition(backfill.id, partition.partitionKey, { runId: run.id }, now, ['running']))) {
      // Cancelled while the run was starting: record the run and stop it too.
      await store.updateBackfillPartition(backfill.id, partition.partitionKey, { runId: run.id }, now);
      await this.#cancelRun(run.id);
    }
    return true;
  }

  async #startRun(backfill: BackfillRecord, partition: BackfillPartitionRecord): Promise<RunRecord> {
    const { store } = this.#platform;
    if (partition.previousRunId) {
      const previous = await store.getRun(partition.previousRunId);
      if (previous && (previous.status === 'failed' || previous.status === 'cancelled')) return this.#platform.rerunFromFailure(previous.id);
    }
    const param = await this.#partitionParam(backfill.pipelineId);
    return this.#platform.triggerRun(backfill.pipelineId, { params: { ...backfill.params, [param]: partition.partitionKey }, trigger: 'backfill' });
  }

  /**
   * The partitions with each running one's state read from its run. For the driver (given
   * `driverNow`), a partition claimed but never given a run, by a process that stopped in
   * between, goes back to pending once a lease period has passed.
   */
  async #refresh(backfill: BackfillRecord, driverNow?: Date): Promise<BackfillPartitionRecord[]> {
    const { store } = this.#platform;
    const now = driverNow ?? new Date(this.#clock.now());
    const partitions = await store.getBackfillPartitions(backfill.id);
    for (const partition of partitions) {
      if (partition.status !== 'running') continue;
      if (partition.runId) {
        const run = await store.getRun(partition.runId);
        if (run && isTerminalRunStatus(run.status)) {
          const status = run.status === 'succeeded' ? 'succeeded' : run.status === 'cancelled' ? 'cancelled' : 'failed';
          await store.updateBackfillPartition(backfill.id, partition.partitionKey, { status }, now, ['running']);
          partition.status = status;
        }
      } else if (driverNow && Date.parse(partition.updatedAt) < driverNow.getTime() - this.#leaseMs) {
        await store.updateBackfillPartition(backfill.id, partition.partitionKey, { status: 'pending' }, now, ['running']);
        partition.status = 'pending';
      }
    }
    return partitions;
  }

  async #cancelRun(runId: string): Promise<void> {
    try {
      await this.#platform.cancelRun(runId);
    } catch (error) {
      // A run that finished meanwhile keeps its own status; the partition follows it.
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  /** The param carrying the partition key in the pipeline's current version (runs start on it). */
  async #partitionParam(pipelineId: string): Promise<string> {
    const { store } = this.#platform;
    const pipeline = await store.getPipeline(pipelineId);
    if (!pipeline) throw new NotFoundError('pipeline', pipelineId);
    const key = `${pipelineId}@${pipeline.currentVersion}`;
    const cached = this.#params.get(key);
    if (cached) return cached;
    const spec = (await store.getPipelineVersion(pipelineId, pipeline.currentVersion))?.spec;
    const param = spec?.partitions?.param ?? 'partition';
    this.#params.set(key, param);
    return param;
  }

  // ---- wake-ups -------------------------------------------------------------------------

  /** Listens for the end of runs started here, and polls for the rest (runs elsewhere, cancels, leases). */
  #listen(): void {
    this.#offBus ??= this.#platform.bus.on('run.status', (event) => {
      const id = this.#runs.get(event.runId);
      if (!id || !isTerminalRunStatus(event.status)) return;
      this.#runs.delete(event.runId);
      void this.#step(id);
    });
    if (this.#timer) return;
    const poll = (): void => {
      this.#timer = undefined;
      if (this.#stopped || this.#driving.size === 0) return;
      void Promise.allSettled([...this.#driving.keys()].map((id) => this.#step(id))).then(() => {
        if (!this.#stopped && this.#driving.size > 0 && !this.#timer) this.#timer = this.#clock.setTimeout(poll, this.#pollMs);
      });
    };
    this.#timer = this.#clock.setTimeout(poll, this.#pollMs);
  }

  #forget(id: string, release: boolean): void {
    this.#driving.delete(id);
    for (const [runId, backfillId] of this.#runs) if (backfillId === id) this.#runs.delete(runId);
    if (release) void this.#platform.store.releaseBackfill(id, this.owner).catch(() => undefined);
  }

  #notify(id: string): void {
    const waiters = this.#waiters.get(id);
    if (!waiters) return;
    this.#waiters.delete(id);
    for (const wake of waiters) wake();
  }

  /** Resolves at the next change seen here, or after a poll interval (changes made elsewhere). */
  #changed(id: string): Promise<void> {
    return new Promise((resolve) => {
      const pending: { timer?: TimerHandle } = {};
      const wake = (): void => {
        if (pending.timer) this.#clock.clearTimeout(pending.timer);
        this.#waiters.get(id)?.delete(wake);
        resolve();
      };
      let waiters = this.#waiters.get(id);
      if (!waiters) this.#waiters.set(id, (waiters = new Set()));
      waiters.add(wake);
      pending.timer = this.#clock.setTimeout(wake, this.#pollMs);
    });
  }
}
