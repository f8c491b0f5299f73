/**
 * The runs overview of the UI's front page, computed from the store's runs of a time window:
 * counts by status, counts over time, success rate, duration percentiles, what is running now
 * and what failed lately.
 */
import { ValidationError } from '../core/errors.ts';
import { RUN_STATUSES, type RunStatus } from '../core/statuses.ts';
import type { RunRecord, Store } from '../store/store.ts';
import type { RunsBucket, RunsOverview } from './schemas/runs-overview.ts';

export interface MetricsSummaryOptions {
  /** Start of the window (ISO); default 24 hours before `now`. */
  since?: string | undefined;
  pipelineId?: string | undefined;
  now?: Date;
  /** Most runs of the window read (the newest); default 1000. */
  maxRuns?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Windows up to this long are bucketed by hour, longer ones by day. */
const HOURLY_UP_TO_MS = 48 * HOUR_MS;
/** A year of daily buckets at most, so an old `since` cannot ask for thousands. */
const MAX_WINDOW_MS = 366 * DAY_MS;
const IN_PROGRESS_LIMIT = 50;
const RECENT_FAILURES = 10;

/**
 * Summarises the runs created since `since` (VALIDATION_ERROR for a window over 366 days).
 * @example
 * const overview = await metricsSummary(platform.store, { since: '2026-01-01T00:00:00Z' });
 */
export async function metricsSummary(store: Store, options: MetricsSummaryOptions = {}): Promise<RunsOverview> {
  const now = options.now ?? new Date();
  const since = options.since ?? new Date(now.getTime() - DAY_MS).toISOString();
  if (now.getTime() - Date.parse(since) > MAX_WINDOW_MS) {
    throw new ValidationError('the window is at most 366 days', [{ path: 'query.since', message: `expected a time after ${new Date(now.getTime() - MAX_WINDOW_MS).toISOString()}` }]);
  }
  const maxRuns = options.maxRuns ?? 1000;
  const byPipeline = options.pipelineId !== undefined ? { pipelineId: options.pipelineId } : {};
  const [window, inProgress] = await Promise.all([
    // One extra row tells whether the window held more than we count.
    store.listRuns({ ...byPipeline, createdAfter: since, limit: maxRuns + 1 }),
    store.listRuns({ ...byPipeline, status: ['queued', 'running'], limit: IN_PROGRESS_LIMIT }),
  ]);
  const runs = window.slice(0, maxRuns);

  const runsByStatus = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
  for (const run of runs) runsByStatus[run.status]++;
  const decided = runsByStatus.succeeded + runsByStatus.failed;
  const durations = runs.flatMap((run) => (run.startedAt && run.finishedAt ? [Date.parse(run.finishedAt) - Date.parse(run.startedAt)] : [])).sort((a, b) => a - b);

  return {
    since,
    until: now.toISOString(),
    runsByStatus,
    runsOverTime: bucketRuns(runs, Date.parse(since), now.getTime()),
    successRate: decided === 0 ? null : runsByStatus.succeeded / decided,
    durations: { p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95) },
    inProgress,
    recentFailures: runs.filter((run) => run.status === 'failed').slice(0, RECENT_FAILURES),
    truncated: window.length > maxRuns,
  };
}

/** Counts by hour or by UTC day, every bucket of the window present so a chart has no holes. */
function bucketRuns(runs: RunRecord[], sinceMs: number, untilMs: number): RunsBucket[] {
  const size = untilMs - sinceMs <= HOURLY_UP_TO_MS ? HOUR_MS : DAY_MS;
  const floor = (ms: number): number => Math.floor(ms / size) * size;
  const buckets = new Map<number, RunsBucket>();
  for (let start = floor(sinceMs); start <= floor(untilMs); start += size) {
    buckets.set(start, { bucket: new Date(start).toISOString(), succeeded: 0, failed: 0, cancelled: 0, running: 0 });
  }
  for (const run of runs) {
    const bucket = buckets.get(floor(Date.parse(run.createdAt)));
    if (!bucket) continue;
    if (run.status === 'queued' || run.status === 'running') bucket.running++;
    else bucket[run.status]++;
  }
  return [...buckets.values()];
}

/** Nearest-rank percentile of sorted values; null for none. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}
