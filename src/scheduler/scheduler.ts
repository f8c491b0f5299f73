/**
 * The scheduler loop. Each tick, on the process that holds the leader lease:
 * - fires the schedules whose slots fell due since their last fire (the misfire policy decides
 *   which, see misfire.ts), each slot claimed in the store first so it fires exactly once even
 *   when two schedulers race; the run gets trigger `schedule` and the schedule's params over
 *   the pipeline's defaults (and a partitioned pipeline the partition that ended at the slot);
 * - starts the runs of data-aware triggers (dataset-trigger-watcher.ts).
 * On every process, it also takes over backfills that no process drives (backfill-runner.ts).
 *
 * Time comes from an injected Clock, so tests move it by hand and call `tick()`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { messageOf } from '../core/errors.ts';
import type { PipelineSpec } from '../core/spec/pipeline-spec.ts';
import { systemClock, type Clock, type TimerHandle } from '../runtime/clock.ts';
import type { PipelineRecord, ScheduleStateRecord } from '../store/store.ts';
import { BackfillRunner } from './backfill-runner.ts';
import { DatasetTriggerWatcher, type TriggeredRun } from './dataset-trigger-watcher.ts';
import { dueSlots } from './misfire.ts';
import { partitionForSlot } from './partitions.ts';
import { isEnabled, ScheduleCatalog, type ScheduleEntry, type ScheduleInfo } from './schedule-catalog.ts';
import type { SchedulerPlatform } from './scheduler-platform.ts';

/** The lease that elects the one active scheduler among processes sharing a store. */
export const SCHEDULER_LEASE = 'scheduler';

export interface SchedulerOptions {
  platform: SchedulerPlatform;
  clock?: Clock;
  /** This process in leases (default host:pid:random). */
  owner?: string;
  /** Time between ticks of the loop (default 1 s, enough for schedules with seconds). */
  intervalMs?: number;
  /** How long the leader lease lasts without renewal (default 15 s): a stopped leader is replaced after that. */
  leaseMs?: number;
  /** Take the leader lease before firing (default true). Off, every scheduler fires; slot claims still keep each slot to one run. */
  leaderElection?: boolean;
  /** Poll interval of the backfill runner (default 1 s). */
  backfillPollMs?: number;
  logger?: Logger;
}

/** One slot a tick fired. */
export interface FiredSlot {
  pipelineId: string;
  scheduleIndex: number;
  scheduleId: string;
  /** The cron slot, ISO. */
  slot: string;
  runId?: string;
  /** Why the run could not start (bad params, ...); the slot still counts as fired. */
  error?: string;
}

/** What one tick did. */
export interface TickResult {
  /** False when another process holds the leader lease: nothing was fired. */
  leader: boolean;
  fired: FiredSlot[];
  triggered: TriggeredRun[];
}

/**
 * Fires schedules and dataset triggers, and drives backfills.
 *
 * @example
 * const scheduler = new Scheduler({ platform });
 * scheduler.start();
 * // ...
 * await scheduler.stop();
 *
 * @example
 * // tests: a manual clock and explicit ticks
 * const clock = new ManualClock(Date.parse('2026-01-01T07:59:00Z'));
 * const scheduler = new Scheduler({ platform, clock });
 * clock.advance(60_000);
 * const { fired } = await scheduler.tick();
 */
export class Scheduler {
  readonly owner: string;
  readonly catalog: ScheduleCatalog;
  readonly backfills: BackfillRunner;
  readonly triggers: DatasetTriggerWatcher;
  readonly #platform: SchedulerPlatform;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #leaseMs: number;
  readonly #leaderElection: boolean;
  readonly #logger: Logger;
  #running = false;
  #timer: TimerHandle | undefined;
  #ticking: Promise<TickResult> | undefined;

  constructor(options: SchedulerOptions) {
    this.#platform = options.platform;
    this.#clock = options.clock ?? systemClock;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#leaderElection = options.leaderElection ?? true;
    this.#logger = (options.logger ?? options.platform.logger).child({ component: 'scheduler' });
    this.catalog = new ScheduleCatalog({ store: options.platform.store, clock: this.#clock });
    this.backfills = new BackfillRunner({
      platform: options.platform,
      clock: this.#clock,
      owner: this.owner,
      logger: this.#logger,
      ...(options.backfillPollMs ? { pollMs: options.backfillPollMs } : {}),
    });
    this.triggers = new DatasetTriggerWatcher({ platform: options.platform, clock: this.#clock, logger: this.#logger });
  }

  /** Whether the loop runs. */
  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop: a tick now, then one every interval. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const loop = async (): Promise<void> => {
      this.#timer = undefined;
      try {
        await this.tick();
      } catch (error) {
        this.#logger.error({ err: error }, 'scheduler tick failed; trying again at the next one');
      }
      if (this.#running) this.#timer = this.#clock.setTimeout(() => void loop(), this.#intervalMs);
    };
    void loop();
    this.#logger.info({ owner: this.owner, interval_ms: this.#intervalMs }, 'scheduler started');
  }

  /** Stops the loop, waits for a tick under way, lets go of the leader lease and of driven backfills. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking?.catch(() => undefined);
    await this.backfills.stop();
    if (this.#leaderElection) await this.#platform.store.releaseLease(SCHEDULER_LEASE, this.owner).catch(() => undefined);
  }

  /** One pass of the loop at the clock's current time. Concurrent calls share the pass under way. */
  tick(): Promise<TickResult> {
    this.#ticking ??= this.#tick(new Date(this.#clock.now())).finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  /** The next `n` fire times of each schedule of a pipeline. */
  nextFireTimes(pipelineId: string, n: number): Promise<ScheduleInfo[]> {
    return this.catalog.nextFireTimes(pipelineId, n);
  }

  async #tick(now: Date): Promise<TickResult> {
    const { store } = this.#platform;
    const result: TickResult = { leader: true, fired: [], triggered: [] };
    if (this.#leaderElection) result.leader = await store.claimLease(SCHEDULER_LEASE, this.owner, this.#leaseMs, now);
    if (result.leader) {
      const subscribers = new Map<string, string[]>();
      const states = groupStates(await store.listScheduleStates());
      for (const pipeline of await store.listPipelines()) {
        try {
          const spec = await this.catalog.specOf(pipeline);
          if (!spec) continue;
          for (const trigger of spec.triggers ?? []) subscribers.set(trigger.dataset, [...(subscribers.get(trigger.dataset) ?? []), pipeline.id]);
          const entries = await this.catalog.entriesOf(pipeline);
          let pipelineStates = states.get(pipeline.id);
          if (entries.length === 0 && !pipelineStates) continue;
          if (!pipelineStates || !this.catalog.isSynced(pipeline)) pipelineStates = await this.catalog.sync(pipeline);
          for (const entry of entries) result.fired.push(...(await this.#fireDue(pipeline, spec, entry, pipelineStates.get(entry.id), now)));
        } catch (error) {
          this.#logger.error({ err: error, pipeline_id: pipeline.id }, `could not schedule pipeline ${pipeline.id}`);
        }
      }
      result.triggered = await this.triggers.poll(subscribers);
    }
    await this.backfills.tick();
    return result;
  }

  async #fireDue(pipeline: PipelineRecord, spec: PipelineSpec, entry: ScheduleEntry, state: ScheduleStateRecord | undefined, now: Date): Promise<FiredSlot[]> {
    if (!state || !isEnabled(entry, state)) return [];
    const since = state.lastFiredAt && state.lastFiredAt > state.resumedAt ? state.lastFiredAt : state.resumedAt;
    const slots = dueSlots(entry.cron, new Date(since), now, { misfire: entry.spec.misfire, maxCatchUp: entry.spec.max_catch_up });
    const fired: FiredSlot[] = [];
    const next = entry.cron.next(now, 1)[0]?.toISOString() ?? null;
    for (const slot of slots) {
      const at = slot.toISOString();
      // The claim is the exactly-once guard: only the process whose update moved last_fired_at starts the run.
      if (!(await this.#platform.store.claimScheduleSlot(pipeline.id, entry.id, at, next))) continue;
      const shot: FiredSlot = { pipelineId: pipeline.id, scheduleIndex: entry.index, scheduleId: entry.id, slot: at };
      try {
        const run = await this.#platform.triggerRun(pipeline.id, { params: this.#paramsFor(spec, entry, slot), trigger: 'schedule' });
        shot.runId = run.id;
        this.#logger.info({ pipeline_id: pipeline.id, schedule: entry.index, slot: at, run_id: run.id }, `schedule ${pipeline.id}[${entry.index}] fired for ${at}`);
      } catch (error) {
        shot.error = messageOf(error);
        this.#logger.error({ err: error, pipeline_id: pipeline.id, schedule: entry.index, slot: at }, `schedule ${pipeline.id}[${entry.index}] could not start a run for ${at}`);
      }
      fired.push(shot);
    }
    return fired;
  }

  /** The schedule's params; a partitioned pipeline also gets the partition that ended at the slot, unless the schedule names one. */
  #paramsFor(spec: PipelineSpec, entry: ScheduleEntry, slot: Date): Record<string, unknown> {
    const params = { ...entry.spec.params };
    const partitions = spec.partitions;
    if (partitions && params[partitions.param] === undefined) {
      const key = partitionForSlot(partitions, slot);
      if (key !== undefined) params[partitions.param] = key;
    }
    return params;
  }
}

function groupStates(states: ScheduleStateRecord[]): Map<string, Map<string, ScheduleStateRecord>> {
  const out = new Map<string, Map<string, ScheduleStateRecord>>();
  for (const state of states) {
    let byId = out.get(state.pipelineId);
    if (!byId) out.set(state.pipelineId, (byId = new Map()));
    byId.set(state.scheduleId, state);
  }
  return out;
}
