/**
 * The overview figures computed from a page of runs, for servers without GET /metrics/summary.
 * Buckets are hours over the last day when the runs are that recent, else days.
 */
import type { Run, RunsBucket, RunsOverview } from './types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The q-quantile (0..1) of sorted numbers, nearest rank; null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? null;
}

export function deriveOverview(runs: readonly Run[], nowMs: number): RunsOverview {
  const runsByStatus: Record<Run['status'], number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const run of runs) runsByStatus[run.status]++;

  const oldest = runs.reduce((min, run) => Math.min(min, Date.parse(run.createdAt)), nowMs);
  const hourly = nowMs - oldest <= DAY;
  const size = hourly ? HOUR : DAY;
  const count = hourly ? 24 : Math.min(30, Math.ceil((nowMs - oldest) / DAY) + 1);
  const last = Math.floor(nowMs / size) * size;
  const buckets: RunsBucket[] = [];
  const index = new Map<number, RunsBucket>();
  for (let i = count - 1; i >= 0; i--) {
    const start = last - i * size;
    const bucket = { bucket: new Date(start).toISOString(), succeeded: 0, failed: 0, cancelled: 0, running: 0 };
    buckets.push(bucket);
    index.set(start, bucket);
  }
  for (const run of runs) {
    const bucket = index.get(Math.floor(Date.parse(run.createdAt) / size) * size);
    if (!bucket) continue;
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') bucket[run.status]++;
    else bucket.running++;
  }

  const finished = runs.filter((r) => r.status === 'succeeded' || r.status === 'failed');
  const successRate = finished.length > 0 ? finished.filter((r) => r.status === 'succeeded').length / finished.length : null;
  const durations = runs
    .filter((r) => r.startedAt && r.finishedAt)
    .map((r) => Date.parse(r.finishedAt as string) - Date.parse(r.startedAt as string))
    .sort((a, b) => a - b);
  const recentFailures = runs.filter((r) => r.status === 'failed').slice(0, 8);

  return {
    since: new Date(last - (count - 1) * size).toISOString(),
    until: new Date(nowMs).toISOString(),
    truncated: runs.length >= 500,
    runsByStatus,
    runsOverTime: buckets,
    successRate,
    durations: { p50Ms: quantile(durations, 0.5), p95Ms: quantile(durations, 0.95) },
    inProgress: runs.filter((r) => r.status === 'queued' || r.status === 'running'),
    recentFailures,
  };
}
