/**
 * The `dbt` task kind: runs a dbt project folder (relative to the pipeline spec) as one task,
 * logging one line per node. The task fails when a node errors or a test with severity error
 * fails. After a successful run on a DuckDB target, the models it built appear as datasets
 * named after them, with lineage to the models and seeds they read.
 *
 * @example
 * - id: transform
 *   kind: dbt
 *   config: { project_dir: ./analytics, command: build, select: tag:nightly }
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TaskError } from '../core/errors.ts';
import type { DataPlane } from '../datasets/data-plane.ts';
import type { TaskContext } from '../runtime/task-context.ts';
import { defineTaskKind } from '../runtime/task-kind.ts';
import { buildProject, type NodeResult, type NodeStatus } from './build.ts';
import { exportBuiltModels, publishModelDatasets, type ExportedModel } from './model-datasets.ts';

const selectors = z.union([z.string(), z.array(z.string())]);

/** The config of a `dbt` task. */
export const dbtTaskConfigSchema = z
  .object({
    /** The dbt project folder, relative to the pipeline spec. */
    project_dir: z.string().min(1, 'expected the dbt project folder'),
    target: z.string().optional(),
    profiles_dir: z.string().optional(),
    select: selectors.optional(),
    exclude: selectors.optional(),
    full_refresh: z.boolean().default(false),
    vars: z.record(z.string(), z.unknown()).optional(),
    command: z.enum(['build', 'run', 'test', 'seed']).default('build'),
    /** Publish built models as datasets (DuckDB targets). */
    publish_datasets: z.boolean().default(true),
  })
  .strict();
/** A `dbt` task's config as written in a spec. */
export type DbtTaskConfig = z.input<typeof dbtTaskConfigSchema>;

const LEVEL: Record<NodeStatus, 'info' | 'warn' | 'error'> = { success: 'info', pass: 'info', warn: 'warn', skipped: 'warn', fail: 'error', error: 'error' };

function logLine(ctx: TaskContext<unknown>, result: NodeResult, index: number, total: number): void {
  const line = `${index}/${total} ${result.status.toUpperCase()} ${result.resourceType} ${result.node}: ${result.message}`;
  ctx.log[LEVEL[result.status]](line);
}

/** The `dbt` task kind; without a data plane it runs projects but publishes no datasets. */
export function createDbtTaskKind(dataPlane?: DataPlane) {
  return defineTaskKind({
    name: 'dbt',
    description: 'Runs a dbt project folder (build, run, test or seed) on DuckDB or Postgres; built models become datasets with lineage.',
    configSchema: dbtTaskConfigSchema,
    run: async (ctx) => {
      const config = ctx.config;
      const projectDir = path.resolve(ctx.baseDir, config.project_dir);
      const tempRoot = path.join(ctx.home, 'tmp');
      await mkdir(tempRoot, { recursive: true });
      const exportDir = await mkdtemp(path.join(tempRoot, `dbt-${ctx.taskId}-`));
      let exported: ExportedModel[] = [];
      try {
        const result = await buildProject({
          projectDir,
          command: config.command,
          fullRefresh: config.full_refresh,
          signal: ctx.signal,
          ...(config.target ? { target: config.target } : {}),
          ...(config.profiles_dir ? { profilesDir: path.resolve(ctx.baseDir, config.profiles_dir) } : {}),
          ...(config.select ? { select: config.select } : {}),
          ...(config.exclude ? { exclude: config.exclude } : {}),
          ...(config.vars ? { vars: config.vars } : {}),
          onResult: (node, progress) => logLine(ctx, node, progress.index, progress.total),
          onLog: (node, message) => ctx.log.info(`${node}: ${message}`),
          ...(dataPlane && config.publish_datasets
            ? {
                afterBuild: async (build) => {
                  if (!build.results.some((r) => r.status === 'error' || r.status === 'fail')) exported = await exportBuiltModels(build, exportDir);
                },
              }
            : {}),
        });
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const counts: Record<NodeStatus, number> = { success: 0, pass: 0, warn: 0, fail: 0, error: 0, skipped: 0 };
        for (const node of result.results) counts[node.status]++;
        const summary = Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([status, n]) => `${status}=${n}`)
          .join(' ');
        ctx.log.info(`dbt ${config.command} on ${result.target.name} (${result.target.type}): ${summary || 'nothing selected'}`);
        if (result.errors.length > 0) {
          const first = result.errors[0] as { node: string; message: string };
          throw new TaskError(`${result.errors.length} dbt node(s) failed; first: ${first.node}: ${first.message}`);
        }
        const datasets = dataPlane ? await publishModelDatasets(dataPlane, ctx as unknown as TaskContext, exported) : [];
        if (config.publish_datasets && result.target.type !== 'duckdb') ctx.log.info('models on a postgres target stay in the warehouse; no datasets were published');
        return { command: config.command, project: result.project, target: result.target, counts, nodes: result.results.length, datasets };
      } finally {
        await rm(exportDir, { recursive: true, force: true });
      }
    },
  });
}
