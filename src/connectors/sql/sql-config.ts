/**
 * Config fields every SQL connector shares (what to read and where to write), and the checks
 * that turn a user's table name into a safe, quoted reference.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { zodIssues } from '../../core/zod-issues.ts';
import { assertSafeName } from '../../engine/sql-quote.ts';
import type { TableRef } from './sql-dialect.ts';

/** Incremental reads: only rows whose `cursor` column is above the value saved by the last run. */
export const incrementalConfigSchema = z.object({
  cursor: z.string().min(1).describe('A column whose values only grow, such as an id or updated_at; rows are read in its order'),
  initial: z.union([z.string(), z.number()]).optional().describe('Read only rows above this value on the first run'),
});
/** `incremental:` of a SQL connector config. */
export type IncrementalConfig = z.infer<typeof incrementalConfigSchema>;

/** Fields of every SQL connector config, spread into each connector's schema. */
export const sqlRelationFields = {
  schema: z.string().optional().describe('Schema of `table` (MySQL: its database; SQLite: an attached database)'),
  table: z.string().optional().describe('Table to read or write; `schema.table` is accepted'),
  query: z
    .string()
    .optional()
    .describe('A SELECT to read instead of a table, with the database\'s own placeholders ($1 in Postgres and DuckDB, ? in MySQL and SQLite)'),
  query_params: z
    .array(z.unknown())
    .optional()
    .describe('Values bound to the query\'s placeholders, in order; "${params.name}" takes a run param'),
  incremental: incrementalConfigSchema.optional(),
  batch_size: z.number().int().positive().max(1_000_000).default(10_000).describe('Rows per batch when reading'),
};

/** What the shared read and write planning needs from a parsed config. */
export interface SqlRelationConfig {
  schema?: string;
  table?: string;
  query?: string;
  query_params?: unknown[];
  incremental?: IncrementalConfig;
  batch_size: number;
}

/**
 * Parses a connector config: connectors may be called with a config that has not been through
 * the schema yet (tests, `connector test`), and defaults must apply either way.
 */
export function parseConnectorConfig<T>(type: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`invalid ${type} connector config`, zodIssues(parsed.error, 'config'));
  return parsed.data;
}

/**
 * The table a config names, with both parts checked by `assertSafeName`: a name such as
 * `x; drop table y` is refused here and never reaches SQL.
 */
export function resolveTable(table: string, schema?: string): TableRef {
  assertSafeName(table, 'table name');
  if (schema !== undefined) assertSafeName(schema, 'schema name');
  const parts = table.split('.');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) throw new ValidationError(`invalid table name ${JSON.stringify(table)}: use table or schema.table`);
  if (parts.length === 2) {
    if (schema !== undefined) throw new ValidationError(`table ${JSON.stringify(table)} names a schema and config.schema is set too; use one of them`);
    return { schema: parts[0], table: parts[1] as string };
  }
  return schema === undefined ? { table } : { schema, table };
}

/** The table a write goes to; writes need `table`, not `query`. */
export function writeTarget(config: SqlRelationConfig): TableRef {
  if (config.query !== undefined) throw new ValidationError('config.query is for reading; a write needs config.table');
  if (config.table === undefined) throw new ValidationError('config.table is required to write');
  return resolveTable(config.table, config.schema);
}
