/**
 * The optional `schema:` contract on a data task's output: missing or mistyped columns fail
 * the task with a clear error, or with `on_schema_mismatch: reject` the rows whose values do
 * not cast go to the rejects dataset.
 */
import { z } from 'zod';
import type { DuckSession } from '../../engine/duckdb.ts';
import { checkSchemaContract, schemaContractSchema, SCHEMA_MISMATCH_MODES } from '../../engine/transforms/index.ts';

/** How a task keeps its output dataset. */
export const MATERIALIZATIONS = ['table', 'view'] as const;

/** Fields every data task that writes a dataset accepts. */
export const outputContractFields = {
  /**
   * `table` (default) writes the rows as Parquet. `view` writes nothing: the version keeps the
   * SELECT over its pinned inputs (and source files read in place), redone by every reader.
   */
  materialize: z.enum(MATERIALIZATIONS).default('table'),
  schema: schemaContractSchema.optional(),
  on_schema_mismatch: z.enum(SCHEMA_MISMATCH_MODES).default('fail'),
  /** Most rejected rows tolerated; more fails the task (the rejects are kept either way). */
  max_rejects: z.number().int().nonnegative().optional(),
};

export interface OutputContractConfig {
  schema?: z.output<typeof schemaContractSchema> | undefined;
  on_schema_mismatch: (typeof SCHEMA_MISMATCH_MODES)[number];
}

/** Applies the contract to a SELECT: the rows to write, and the SELECT of contract rejects if any. */
export async function applyOutputContract(session: DuckSession, sql: string, config: OutputContractConfig, taskId: string): Promise<{ sql: string; rejectsSql?: string }> {
  if (!config.schema) return { sql };
  const result = await checkSchemaContract({
    session,
    sql,
    contract: config.schema,
    onMismatch: config.on_schema_mismatch,
    source: `schema contract of task ${taskId}`,
    path: `tasks.${taskId}.config.schema`,
  });
  return result.rejectsSql ? { sql: result.sql, rejectsSql: result.rejectsSql } : { sql: result.sql };
}
