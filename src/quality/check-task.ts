/**
 * `check` tasks: run checks on a dataset that another task wrote, as a step of their own in the
 * DAG (`inputs: [orders]`, `config: { checks: [...] }`). They check the version this run wrote
 * (or, in a re-run, the run it re-runs), else the latest published one. The version is already
 * published, so a failing `error` check fails the task (and holds back what depends on it) but
 * does not reject the version; inputs after the first serve relationships and `{{ ref() }}`.
 */
import { z } from 'zod';
import { PlatformError, ValidationError } from '../core/errors.ts';
import type { DataPlane } from '../datasets/data-plane.ts';
import { inputsOf } from '../datasets/task-kinds/task-datasets.ts';
import type { TaskContext } from '../runtime/task-context.ts';
import { defineTaskKind } from '../runtime/task-kind.ts';
import type { DatasetVersionRecord } from '../store/store.ts';
import { checksSchema } from './check.ts';
import { checkFailureError, checkTime, recordCheckResults } from './record-check-results.ts';
import { runChecks } from './run-checks.ts';

/**
 * Builds the `check` task kind. Without a data plane (a registry that only validates specs) it
 * validates configs but cannot run.
 */
export function createCheckTaskKind(dataPlane?: DataPlane) {
  const plane = (): DataPlane => {
    if (!dataPlane) throw new PlatformError('UNSUPPORTED', 'this task kind registry only validates specs; run tasks through a platform');
    return dataPlane;
  };
  return defineTaskKind({
    name: 'check',
    description: 'Runs data quality checks (not_null, unique, accepted_values, range, ...) on the first dataset in `inputs`; a failing error check fails the task.',
    configSchema: z.object({ checks: checksSchema.min(1, 'expected at least one check') }).strict(),
    run: async (ctx) => {
      const [dataset] = inputsOf(ctx.task) as [string, ...string[]];
      const session = await plane().openSession(ctx);
      try {
        const version = await checkedVersion(plane(), ctx, dataset);
        const results = await runChecks({
          session: session.duck,
          relationSql: await plane().versionSql(version),
          checks: ctx.config.checks,
          resolveDataset: (name) => session.input(name),
          now: checkTime(ctx.params),
          params: ctx.params,
          path: `tasks.${ctx.taskId}.config.checks`,
        });
        const summary = await recordCheckResults(plane().options.store, ctx, version, results);
        const failure = checkFailureError(dataset, results, `version ${version.id} stays published`);
        if (failure) throw failure;
        return { dataset, version: version.id, rows: version.rows, checks: summary };
      } finally {
        await session.close();
      }
    },
  });
}

/** The version a reader in this task would see; the same order as DataSession.input. */
async function checkedVersion(dataPlane: DataPlane, ctx: TaskContext, dataset: string): Promise<DatasetVersionRecord> {
  const { store } = dataPlane.options;
  let runId: string | null = ctx.runId;
  for (let depth = 0; runId && depth < 20; depth++) {
    const [version] = await store.listDatasetVersions({ dataset, runId, status: ['published'], limit: 1 });
    if (version) return version;
    runId = (await store.getRun(runId))?.parentRunId ?? null;
  }
  const latest = await store.getDataset(dataset);
  const version = latest?.latestVersionId ? await store.getDatasetVersion(latest.latestVersionId) : undefined;
  if (!version) {
    throw new ValidationError(`dataset '${dataset}' has no published version to check`, [{ path: `tasks.${ctx.taskId}.inputs`, message: `unknown dataset '${dataset}'` }]);
  }
  return version;
}
