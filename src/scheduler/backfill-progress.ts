/**
 * A backfill as its readers see it: the record, its partitions, and counts by state.
 */
import type { BackfillPartitionRecord, BackfillRecord } from '../store/store.ts';

/** Partitions by state; `done` counts the finished ones, whatever their outcome. */
export interface BackfillProgress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  done: number;
}

/** A backfill with its partitions (in order) and progress. */
export interface BackfillDetail {
  backfill: BackfillRecord;
  partitions: BackfillPartitionRecord[];
  progress: BackfillProgress;
}

/**
 * Counts partitions by state.
 *
 * @example
 * const { done, total } = backfillProgress(partitions); // `${done}/${total} done`
 */
export function backfillProgress(partitions: readonly BackfillPartitionRecord[]): BackfillProgress {
  const progress: BackfillProgress = { total: partitions.length, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, done: 0 };
  for (const partition of partitions) progress[partition.status] += 1;
  progress.done = progress.succeeded + progress.failed + progress.cancelled;
  return progress;
}
