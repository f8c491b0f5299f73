/**
 * Write-audit-publish: a data task stages its output, the output's checks run on the staged
 * files, and only then is it published. When an `error` check fails the version is saved as
 * `rejected` (never the dataset's latest; readers keep the previous version), the rejects
 * datasets are still published so no row is lost, and the task fails without retries.
 */
import type { DataPlane, DataSession } from '../datasets/data-plane.ts';
import type { TaskContext } from '../runtime/task-context.ts';
import type { DatasetVersionRecord } from '../store/store.ts';
import type { CheckResult, CheckSpec } from './check.ts';
import { checkFailureError, checkTime, recordCheckResults, summarize, type CheckSummary } from './record-check-results.ts';
import { runChecks } from './run-checks.ts';

/** What an audit needs besides the session: the task attempt and the data plane it writes through. */
export interface AuditContext {
  task: TaskContext;
  dataPlane: DataPlane;
}

/** What `auditAndPublish` did when the output passed (a failed audit throws). */
export interface AuditOutcome {
  published: DatasetVersionRecord[];
  results: CheckResult[];
  summary: CheckSummary;
}

/**
 * Runs `checks` on the staged `version` of `dataset`, stores the results, then publishes every
 * staged output of the session (and commits connector state), or rejects the version and throws
 * a VALIDATION_ERROR naming each failed `error` check. Without checks it just publishes.
 *
 * @example
 * const version = await session.stage(output, sql);
 * await auditAndPublish(session, output, version, ctx.config.checks, { task: ctx, dataPlane: dataPlane() });
 */
export async function auditAndPublish(
  session: DataSession,
  dataset: string,
  version: DatasetVersionRecord,
  checks: readonly CheckSpec[] | undefined,
  ctx: AuditContext,
): Promise<AuditOutcome> {
  if (!checks || checks.length === 0) return { published: await session.publish(), results: [], summary: summarize([]) };
  const { task, dataPlane } = ctx;
  const results = await runChecks({
    session: session.duck,
    relationSql: await dataPlane.versionSql(version),
    checks,
    resolveDataset: (name) => session.input(name),
    now: checkTime(task.params),
    params: task.params,
    path: `tasks.${task.taskId}.config.checks`,
  });
  const summary = await recordCheckResults(dataPlane.options.store, task, version, results);
  const failure = checkFailureError(dataset, results, `version ${version.id} was rejected, not published`);
  if (failure) {
    await dataPlane.options.store.saveDatasetVersion({ ...version, status: 'rejected', publishedAt: null, stats: { ...version.stats, checks: summary } });
    await session.publishRejects();
    throw failure;
  }
  return { published: await session.publish(), results, summary };
}
