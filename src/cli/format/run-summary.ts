/**
 * The closing lines of a run, shown at the end of `pipeline run` and at the top of
 * `pipeline status`: id, status, duration, task counts, and why each failed task failed.
 */
import { formatDuration } from '../../core/duration.ts';
import { TASK_STATUSES } from '../../core/statuses.ts';
import type { RunRecord } from '../../store/store.ts';
import type { Ansi } from '../ansi.ts';
import type { RunDetail } from '../backend.ts';
import { statusText } from './status-style.ts';

/** How long the run took, or has been going (until `now`) when it is not finished. */
export function runDurationMs(run: RunRecord, now = Date.now()): number {
  const start = Date.parse(run.startedAt ?? run.createdAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Math.max(0, end - start);
}

/** `2 succeeded (1 reused), 1 failed, 1 upstream_failed`, in the order of the statuses. */
export function taskCounts(detail: RunDetail): string {
  const parts: string[] = [];
  for (const status of TASK_STATUSES) {
    const tasks = detail.tasks.filter((t) => t.status === status);
    if (tasks.length === 0) continue;
    const reused = tasks.filter((t) => t.reusedFromRunId).length;
    parts.push(`${tasks.length} ${status}${reused > 0 ? ` (${reused} reused)` : ''}`);
  }
  return parts.join(', ') || 'no tasks';
}

/**
 * The summary lines of a run.
 * @example
 * // run 0b6c... failed in 1.2s (pipeline etl: 1 succeeded, 1 failed, 1 upstream_failed)
 * //   task 'load' failed: command exited with code 3: connection refused
 */
export function formatRunSummary(detail: RunDetail, ansi: Ansi, now = Date.now()): string[] {
  const { run } = detail;
  const duration = formatDuration(runDurationMs(run, now));
  const when = run.status === 'succeeded' || run.status === 'failed' ? `in ${duration}` : run.status === 'cancelled' ? `after ${duration}` : `for ${duration}`;
  const lines = [`run ${run.id} ${statusText(ansi, run.status)} ${when} (pipeline ${run.pipelineId}: ${taskCounts(detail)})`];
  const failed = detail.tasks.filter((t) => t.status === 'failed');
  for (const task of failed) {
    const attempts = task.attempts > 1 ? ` (after ${task.attempts} attempts)` : '';
    lines.push(`  task '${task.taskId}' failed: ${task.error ?? 'unknown error'}${attempts}`);
  }
  if (run.status === 'failed' && failed.length === 0 && run.error) lines.push(`  ${run.error}`);
  return lines;
}
