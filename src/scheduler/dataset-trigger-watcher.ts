/**
 * Data-aware triggers: a pipeline whose spec says `triggers: [{ dataset: orders }]` runs each
 * time another pipeline publishes a version of `orders`.
 *
 * It polls the store rather than listening to the bus, so a publication by any process (a
 * CLI run, a worker, another server) counts. A watermark of publication times is kept in the
 * store; each poll re-reads a look-back window before it, because a version may commit after
 * a later-stamped one was already seen. Every (pipeline, version) pair fires once: the claim
 * is an insert keyed by the pair, which only one process can win.
 */
import type { Logger } from 'pino';
import { messageOf } from '../core/errors.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import type { DatasetVersionRecord } from '../store/store.ts';
import type { SchedulerPlatform } from './scheduler-platform.ts';

/** The store cursor holding the watermark. */
export const DATASET_TRIGGER_CURSOR = 'dataset-triggers';

/** A run started because a dataset was published. */
export interface TriggeredRun {
  pipelineId: string;
  dataset: string;
  versionId: string;
  runId?: string;
  error?: string;
}

export interface DatasetTriggerWatcherOptions {
  platform: SchedulerPlatform;
  clock?: Clock;
  /** How far before the watermark each poll looks again (default 5 minutes). */
  lookBackMs?: number;
  logger?: Logger;
}

/**
 * `floor`: versions published at or before it predate the watcher and never fire (set on the
 * first poll, so starting a scheduler does not replay history). `watermark`: the latest
 * publication time seen.
 */
interface Cursor {
  floor: string;
  watermark: string;
}

const PAGE = 500;

/**
 * Finds newly published dataset versions and starts the runs they trigger.
 *
 * @example
 * const watcher = new DatasetTriggerWatcher({ platform });
 * await watcher.poll(new Map([['orders', ['report']]])); // runs `report` for each new version of orders
 */
export class DatasetTriggerWatcher {
  readonly #platform: SchedulerPlatform;
  readonly #clock: Clock;
  readonly #lookBackMs: number;
  readonly #logger: Logger;
  /** Pairs this process handled already (with the version's publication time), so the look-back window does not claim them again. */
  readonly #seen = new Map<string, string>();

  constructor(options: DatasetTriggerWatcherOptions) {
    this.#platform = options.platform;
    this.#clock = options.clock ?? systemClock;
    this.#lookBackMs = options.lookBackMs ?? 5 * 60_000;
    this.#logger = options.logger ?? options.platform.logger;
  }

  /** Starts the runs triggered since the last poll. `subscribers` maps a dataset to the pipelines it triggers. */
  async poll(subscribers: ReadonlyMap<string, readonly string[]>): Promise<TriggeredRun[]> {
    const { store } = this.#platform;
    const now = new Date(this.#clock.now());
    const cursor = parseCursor(await store.getSchedulerCursor(DATASET_TRIGGER_CURSOR));
    if (!cursor) {
      const latest = await this.#latestPublication();
      await store.setSchedulerCursor(DATASET_TRIGGER_CURSOR, JSON.stringify({ floor: latest, watermark: latest }), now);
      return [];
    }
    const out: TriggeredRun[] = [];
    let watermark = cursor.watermark;
    let since = new Date(Math.max(Date.parse(cursor.watermark) - this.#lookBackMs, Date.parse(cursor.floor))).toISOString();
    // Pairs older than the window are never read again.
    for (const [key, publishedAt] of this.#seen) if (publishedAt < since) this.#seen.delete(key);
    for (;;) {
      const page = await store.listPublishedDatasetVersions(since, PAGE);
      for (const version of page) {
        const publishedAt = version.publishedAt ?? version.createdAt;
        if (publishedAt <= cursor.floor) continue;
        if (publishedAt > watermark) watermark = publishedAt;
        for (const pipelineId of subscribers.get(version.dataset) ?? []) {
          const fired = await this.#fire(pipelineId, version, now);
          if (fired) out.push(fired);
        }
      }
      const last = page[page.length - 1]?.publishedAt;
      // A full page may hide more; move on only when the page moved forward in time.
      if (page.length < PAGE || !last || last <= since) break;
      since = last;
    }
    if (watermark !== cursor.watermark) await store.setSchedulerCursor(DATASET_TRIGGER_CURSOR, JSON.stringify({ ...cursor, watermark }), now);
    return out;
  }

  async #fire(pipelineId: string, version: DatasetVersionRecord, now: Date): Promise<TriggeredRun | undefined> {
    // A pipeline that reads and republishes its own dataset would trigger itself forever.
    if (version.pipelineId === pipelineId) return undefined;
    const key = `${pipelineId}\u0000${version.id}`;
    if (this.#seen.has(key)) return undefined;
    this.#seen.set(key, version.publishedAt ?? version.createdAt);
    const { store } = this.#platform;
    const won = await store.claimDatasetTrigger({ pipelineId, versionId: version.id, dataset: version.dataset, runId: null, firedAt: now.toISOString() });
    if (!won) return undefined;
    const fired: TriggeredRun = { pipelineId, dataset: version.dataset, versionId: version.id };
    try {
      const run = await this.#platform.triggerRun(pipelineId, { trigger: 'dataset' });
      await store.setDatasetTriggerRun(pipelineId, version.id, run.id);
      fired.runId = run.id;
      this.#logger.info({ pipeline_id: pipelineId, run_id: run.id, dataset: version.dataset, version_id: version.id }, `dataset ${version.dataset} published: started ${pipelineId}`);
    } catch (error) {
      fired.error = messageOf(error);
      this.#logger.error({ err: error, pipeline_id: pipelineId, dataset: version.dataset }, `could not start ${pipelineId} for dataset ${version.dataset}`);
    }
    return fired;
  }

  async #latestPublication(): Promise<string> {
    // Newest by creation; a version is published soon after it is created, so the latest
    // publication is among the last few created.
    const recent = await this.#platform.store.listDatasetVersions({ status: ['published'], limit: 50 });
    return recent.reduce((max, v) => (v.publishedAt && v.publishedAt > max ? v.publishedAt : max), new Date(0).toISOString());
  }
}

function parseCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Cursor>;
    if (typeof value.floor === 'string' && typeof value.watermark === 'string') return { floor: value.floor, watermark: value.watermark };
  } catch {
    // A cursor that does not parse is started afresh.
  }
  return undefined;
}
