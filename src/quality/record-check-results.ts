/**
 * What a task does with check results: stores them against the version checked, logs the
 * failures, and turns failing `error` checks into the task's error. Shared by the data task
 * kinds (write-audit-publish) and the standalone `check` task.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../core/errors.ts';
import type { TaskContext } from '../runtime/task-context.ts';
import type { CheckResultRecord, DatasetVersionRecord, Store } from '../store/store.ts';
import type { CheckResult } from './check.ts';

/** Counts of a task's check results, for its output. */
export interface CheckSummary {
  passed: number;
  warned: number;
  failed: number;
  /** Names of the checks that did not pass. */
  failing: string[];
}

/**
 * Stores results of checks run by `task` on `version` and logs them. Ids derive from the run,
 * task, dataset and position, so a retried attempt replaces its own results.
 */
export async function recordCheckResults(store: Store, task: TaskContext, version: DatasetVersionRecord, results: CheckResult[]): Promise<CheckSummary> {
  const createdAt = new Date().toISOString();
  const prefix = createHash('sha256').update(`${task.runId}\u0000${task.taskId}\u0000${version.dataset}`).digest('hex').slice(0, 24);
  const records: CheckResultRecord[] = results.map((r, i) => ({
    // Zero-padded: ids of one audit sort in the order the checks ran.
    id: `${prefix}-${String(i).padStart(4, '0')}`,
    dataset: version.dataset,
    versionId: version.id,
    runId: task.runId,
    taskId: task.taskId,
    pipelineId: task.pipelineId,
    ...r,
    createdAt,
  }));
  await store.saveCheckResults(records);
  for (const r of results) {
    if (r.status === 'warn') task.log.warn(`check ${r.name} on ${version.dataset} failed (severity warn): ${r.message}`);
    else if (r.status === 'fail') task.log.error(`check ${r.name} on ${version.dataset} failed: ${r.message}`);
  }
  const summary = summarize(results);
  task.log.info(`checks on ${version.dataset} version ${version.id}: ${summary.passed} passed, ${summary.warned} warned, ${summary.failed} failed`);
  return summary;
}

/** Counts results by status. */
export function summarize(results: CheckResult[]): CheckSummary {
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    warned: results.filter((r) => r.status === 'warn').length,
    failed: results.filter((r) => r.status === 'fail').length,
    failing: results.filter((r) => r.status !== 'pass').map((r) => r.name),
  };
}

/**
 * The task's error when `error` checks failed, else undefined. A VALIDATION_ERROR: the data is
 * wrong, and running the task again on the same data would fail the same way, so it is not retried.
 */
export function checkFailureError(dataset: string, results: CheckResult[], outcome: string): ValidationError | undefined {
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length === 0) return undefined;
  const lines = failed.map((r) => `check ${r.name} failed: ${r.message}`);
  return new ValidationError(
    `${failed.length} error check${failed.length === 1 ? '' : 's'} failed on ${dataset}; ${outcome}:\n${lines.map((l) => `  - ${l}`).join('\n')}`,
  );
}

/**
 * The time freshness checks measure against: the run's `now` param when it holds a time (so
 * tests and backfills can pin it), else the current time.
 */
export function checkTime(params: Readonly<Record<string, unknown>>): Date {
  const value = params.now;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const time = new Date(value);
    if (!Number.isNaN(time.getTime())) return time;
  }
  return new Date();
}
