/**
 * The schedules of every pipeline as users see them: each spec's `schedules[]` joined with the
 * state the store keeps (enable override, last fired slot), with the next fire times. Both
 * the scheduler loop and the API/CLI read schedules through it; it needs no running loop.
 */
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { MisfirePolicy, PipelineSpec, ScheduleSpec } from '../core/spec/pipeline-spec.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import type { PipelineRecord, ScheduleStateRecord, Store } from '../store/store.ts';
import { CronSchedule } from './cron-schedule.ts';
import { DEFAULT_MAX_CATCH_UP } from './misfire.ts';
import { scheduleId } from './schedule-id.ts';

/** A schedule with its state and next fire times. */
export interface ScheduleInfo {
  pipelineId: string;
  /** Position in the spec's `schedules` (what `--index` names). */
  index: number;
  /** Stable id: a hash of cron, time zone and params. */
  scheduleId: string;
  cron: string;
  /** IANA time zone; null is UTC. */
  timezone: string | null;
  params: Record<string, unknown>;
  /** Whether it fires: the override when set, else the spec's `enabled`. */
  enabled: boolean;
  specEnabled: boolean;
  /** Set by enable/disable; null follows the spec. */
  enabledOverride: boolean | null;
  misfire: MisfirePolicy;
  maxCatchUp: number;
  /** The slot fired last. */
  lastFiredAt: string | null;
  /** The next slots it fires at (empty while disabled). */
  nextFireTimes: string[];
}

/** One schedule of a spec with its id and parsed cron. */
export interface ScheduleEntry {
  index: number;
  id: string;
  spec: ScheduleSpec;
  cron: CronSchedule;
}

export interface ScheduleCatalogOptions {
  store: Store;
  clock?: Clock;
}

/** How many next fire times a listing shows by default. */
export const DEFAULT_NEXT_FIRE_TIMES = 3;

/**
 * Reads and changes schedules.
 *
 * @example
 * const catalog = new ScheduleCatalog({ store: platform.store });
 * await catalog.setEnabled('nightly', 0, false);
 * (await catalog.list()).map((s) => `${s.pipelineId}[${s.index}] ${s.enabled}`);
 */
export class ScheduleCatalog {
  readonly #store: Store;
  readonly #clock: Clock;
  /** Specs by `id@version`: a version's content never changes. */
  readonly #specs = new Map<string, PipelineSpec>();
  readonly #entries = new Map<string, ScheduleEntry[]>();
  /** The version of each pipeline whose schedules this process synced last. */
  readonly #synced = new Map<string, string>();

  constructor(options: ScheduleCatalogOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
  }

  /** The stored spec of a pipeline's current version. */
  async specOf(pipeline: PipelineRecord): Promise<PipelineSpec | undefined> {
    const key = `${pipeline.id}@${pipeline.currentVersion}`;
    const cached = this.#specs.get(key);
    if (cached) return cached;
    const version = await this.#store.getPipelineVersion(pipeline.id, pipeline.currentVersion);
    if (!version) return undefined;
    this.#specs.set(key, version.spec);
    return version.spec;
  }

  /** The schedules of a pipeline's current spec with their ids and crons. */
  async entriesOf(pipeline: PipelineRecord): Promise<ScheduleEntry[]> {
    const key = `${pipeline.id}@${pipeline.currentVersion}`;
    const cached = this.#entries.get(key);
    if (cached) return cached;
    const spec = await this.specOf(pipeline);
    const seen = new Set<string>();
    const entries = (spec?.schedules ?? []).map((schedule, index): ScheduleEntry => {
      let id = scheduleId(schedule);
      // Two identical schedules would share state and fire once; keep them apart by position.
      if (seen.has(id)) id = `${id}-${index}`;
      seen.add(id);
      return { index, id, spec: schedule, cron: new CronSchedule(schedule.cron, schedule.timezone) };
    });
    this.#entries.set(key, entries);
    return entries;
  }

  /**
   * Makes the store's schedule state match the pipeline's current spec (once per version and
   * process, or always with `force`); returns the pipeline's states by schedule id.
   */
  async sync(pipeline: PipelineRecord, options: { force?: boolean } = {}): Promise<Map<string, ScheduleStateRecord>> {
    const entries = await this.entriesOf(pipeline);
    if (!options.force && this.#synced.get(pipeline.id) === pipeline.currentVersion) {
      return byId(await this.#store.listScheduleStates(pipeline.id));
    }
    const now = new Date(this.#clock.now());
    const states = await this.#store.syncSchedules(
      pipeline.id,
      entries.map((e) => ({
        scheduleId: e.id,
        scheduleIndex: e.index,
        cron: e.spec.cron,
        timezone: e.spec.timezone ?? null,
        specEnabled: e.spec.enabled,
        nextFireAt: e.cron.next(now, 1)[0]?.toISOString() ?? null,
      })),
      now,
    );
    this.#synced.set(pipeline.id, pipeline.currentVersion);
    return byId(states);
  }

  /** Whether this process synced the pipeline's current version already. */
  isSynced(pipeline: PipelineRecord): boolean {
    return this.#synced.get(pipeline.id) === pipeline.currentVersion;
  }

  /** Every schedule of every pipeline (or of one), with `count` next fire times each. */
  async list(options: { pipelineId?: string; count?: number } = {}): Promise<ScheduleInfo[]> {
    const pipelines = options.pipelineId !== undefined ? [await this.#pipeline(options.pipelineId)] : await this.#store.listPipelines();
    const out: ScheduleInfo[] = [];
    for (const pipeline of pipelines) {
      const entries = await this.entriesOf(pipeline);
      if (entries.length === 0) continue;
      const states = await this.sync(pipeline);
      for (const entry of entries) out.push(this.#info(pipeline.id, entry, states.get(entry.id), options.count ?? DEFAULT_NEXT_FIRE_TIMES));
    }
    return out;
  }

  /** The next `n` fire times of each schedule of a pipeline. */
  nextFireTimes(pipelineId: string, n: number): Promise<ScheduleInfo[]> {
    return this.list({ pipelineId, count: n });
  }

  /**
   * Turns one schedule (by index) or all of a pipeline's schedules on or off, overriding the
   * spec until the next call. Enabling never fires the slots missed while disabled.
   */
  async setEnabled(pipelineId: string, index: number | undefined, enabled: boolean): Promise<ScheduleInfo[]> {
    const pipeline = await this.#pipeline(pipelineId);
    const entries = await this.entriesOf(pipeline);
    if (entries.length === 0) throw new ValidationError(`pipeline '${pipelineId}' has no schedules`, [{ path: 'pipeline', message: 'its spec declares no `schedules`' }]);
    const targets = index === undefined ? entries : entries.filter((e) => e.index === index);
    if (targets.length === 0) {
      throw new NotFoundError('schedule', `${pipelineId}[${index}] (the pipeline has ${entries.length} schedule${entries.length === 1 ? '' : 's'}, index 0 to ${entries.length - 1})`);
    }
    await this.sync(pipeline);
    const now = new Date(this.#clock.now());
    for (const entry of targets) await this.#store.setScheduleEnabled(pipelineId, entry.id, enabled, now);
    const states = byId(await this.#store.listScheduleStates(pipelineId));
    return targets.map((entry) => this.#info(pipelineId, entry, states.get(entry.id), DEFAULT_NEXT_FIRE_TIMES));
  }

  async #pipeline(id: string): Promise<PipelineRecord> {
    const pipeline = await this.#store.getPipeline(id);
    if (!pipeline) throw new NotFoundError('pipeline', id);
    return pipeline;
  }

  #info(pipelineId: string, entry: ScheduleEntry, state: ScheduleStateRecord | undefined, count: number): ScheduleInfo {
    const enabled = isEnabled(entry, state);
    const now = new Date(this.#clock.now());
    return {
      pipelineId,
      index: entry.index,
      scheduleId: entry.id,
      cron: entry.spec.cron,
      timezone: entry.spec.timezone ?? null,
      params: entry.spec.params,
      enabled,
      specEnabled: entry.spec.enabled,
      enabledOverride: state?.enabledOverride ?? null,
      misfire: entry.spec.misfire ?? 'skip',
      maxCatchUp: entry.spec.max_catch_up ?? DEFAULT_MAX_CATCH_UP,
      lastFiredAt: state?.lastFiredAt ?? null,
      nextFireTimes: enabled ? entry.cron.next(now, count).map((d) => d.toISOString()) : [],
    };
  }
}

/** Whether a schedule fires: its override when set, else its spec. */
export function isEnabled(entry: ScheduleEntry, state: ScheduleStateRecord | undefined): boolean {
  return state?.enabledOverride ?? entry.spec.enabled;
}

function byId(states: ScheduleStateRecord[]): Map<string, ScheduleStateRecord> {
  return new Map(states.map((s) => [s.scheduleId, s]));
}
