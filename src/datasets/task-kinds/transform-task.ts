/**
 * `transform` tasks: declarative steps (filter, select, derive, aggregate, join, flatten,
 * dedupe, sort, limit, union, sql, function) over the datasets named in `inputs`, compiled to
 * one DuckDB query, written to the dataset named in `outputs`. `checks:` run on the staged
 * output before it is published (write-audit-publish, see quality/audit-output.ts).
 */
import type { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { executeTransform, transformConfigSchema } from '../../engine/transforms/index.ts';
import { auditAndPublish } from '../../quality/audit-output.ts';
import { checksSchema } from '../../quality/check.ts';
import { defineTaskKind } from '../../runtime/task-kind.ts';
import type { DatasetColumn } from '../../store/store.ts';
import type { DataPlane, DataSession } from '../data-plane.ts';
import { preservesRows } from '../../engine/row-preserving.ts';
import { applyOutputContract, outputContractFields } from './output-contract.ts';
import { inputsOf, outputOf } from './task-datasets.ts';

export function createTransformTaskKind(dataPlane: () => DataPlane) {
  return defineTaskKind({
    name: 'transform',
    description: 'Runs declarative steps or SQL over the `inputs` datasets (DuckDB) and writes the result to the dataset in `outputs`.',
    configSchema: transformConfigSchema.extend({ ...outputContractFields, checks: checksSchema.optional() }),
    run: async (ctx) => {
      const output = outputOf(ctx.task);
      const inputNames = inputsOf(ctx.task);
      if (ctx.config.from && !inputNames.includes(ctx.config.from)) {
        throw new ValidationError(`tasks.${ctx.taskId}.config.from: '${ctx.config.from}' is not one of the task's inputs (${inputNames.join(', ')})`);
      }
      const session = await dataPlane().openSession(ctx);
      try {
        const inputs: Record<string, string> = {};
        const columns: Record<string, DatasetColumn[]> = {};
        for (const name of inputNames) {
          inputs[name] = await session.input(name);
          const schema = session.inputSchema(name);
          if (schema) columns[name] = schema;
        }
        const { sql, functionSteps, columns: outputColumns } = await executeTransform({
          session: session.duck,
          tempDir: session.tempDir,
          baseDir: ctx.baseDir,
          signal: ctx.signal,
          steps: ctx.config.steps,
          inputs,
          columns,
          params: ctx.params,
          batchSize: ctx.config.batch_size,
          pathPrefix: `tasks.${ctx.taskId}.config.steps`,
          ...(ctx.config.from ? { from: ctx.config.from } : {}),
        });
        if (ctx.config.materialize === 'view' && functionSteps.length > 0) {
          throw new ValidationError(`tasks.${ctx.taskId}.config.materialize: a view cannot hold function steps (they run in JavaScript once, not in the view's SQL); use materialize: table`);
        }
        const contract = await applyOutputContract(session.duck, sql, ctx.config, ctx.taskId);
        const main = ctx.config.from ?? (inputNames[0] as string);
        const rowsIn = await session.inputRows(main, inputs[main] as string);
        const stats = { rows_in: rowsIn };
        const version =
          ctx.config.materialize === 'view'
            ? await session.stageView(output, contract.sql, {
                stats,
                ...(contract.sql === sql ? { schema: outputColumns } : {}),
                rows: (await rowsKnownFromInput(session, ctx.config.steps, inputNames, contract.sql === sql ? sql : undefined)) ? rowsIn : undefined,
              })
            : await session.stage(output, contract.sql, { stats });
        const rejects = contract.rejectsSql ? await session.stageRejects(output, contract.rejectsSql) : 0;
        const limit = ctx.config.max_rejects;
        if (limit !== undefined && rejects > limit) {
          await session.publishRejects();
          throw new ValidationError(`${rejects} rejected rows exceed max_rejects (${limit}); see dataset ${output}__rejects`);
        }
        const audit = await auditAndPublish(session, output, version, ctx.config.checks, { task: ctx, dataPlane: dataPlane() });
        ctx.log.info(`wrote ${version.rows} rows to ${output} from ${rowsIn} input rows`);
        const summary = { rows_in: rowsIn, rows_out: version.rows, rejects, datasets: [{ name: output, version: version.id, rows: version.rows }] };
        return ctx.config.checks ? { ...summary, checks: audit.summary } : summary;
      } finally {
        await session.close();
      }
    },
  });
}

/**
 * Whether a view's rows are its one input's, without counting them: counting a view over raw
 * files reads them all, while DuckDB's plan (a bind) tells whether the query passes each row
 * through once. Only tried when the input is itself a view (over a table a count is cheap) and
 * no `sql` step could read another relation.
 */
async function rowsKnownFromInput(session: DataSession, steps: ReadonlyArray<{ kind: string }>, inputNames: string[], sql: string | undefined): Promise<boolean> {
  if (sql === undefined || inputNames.length !== 1 || steps.some((step) => step.kind === 'sql')) return false;
  if (!session.inputVersion(inputNames[0] as string)?.view) return false;
  return preservesRows(session.duck, sql);
}

export type TransformTaskConfig = z.input<typeof transformConfigSchema>;
