/**
 * Schema contracts on outputs: `schema: { columns: { id: BIGINT, amount: DOUBLE }, strict: true }`.
 * A missing column always fails. A column of another type fails the task (`onMismatch: fail`),
 * or (`reject`) is converted with TRY_CAST: rows where every conversion worked go on, the others
 * become rejects with the raw row and the reason.
 */
import { z } from 'zod';
import type { ColumnInfo } from '../../connectors/connector.ts';
import { ValidationError, messageOf, type Issue } from '../../core/errors.ts';
import { zodIssues } from '../../core/zod-issues.ts';
import type { DuckSession } from '../duckdb.ts';
import { quoteIdent, quoteLiteral } from '../sql-quote.ts';
import { normalizeDuckType } from './duckdb-type.ts';
import { duckTypeSchema } from './transform-step.ts';

export const schemaContractSchema = z
  .object({
    /** Column name to DuckDB type. */
    columns: z.record(z.string().min(1), duckTypeSchema),
    /** Refuse columns the contract does not name. */
    strict: z.boolean().default(false),
  })
  .strict();
export type SchemaContract = z.output<typeof schemaContractSchema>;
export type SchemaContractInput = z.input<typeof schemaContractSchema>;

export const SCHEMA_MISMATCH_MODES = ['fail', 'reject'] as const;
export type SchemaMismatchMode = (typeof SCHEMA_MISMATCH_MODES)[number];

export interface CheckSchemaContractOptions {
  session: Pick<DuckSession, 'describe'>;
  /** The SELECT whose result must match. */
  sql: string;
  contract: SchemaContractInput;
  onMismatch: SchemaMismatchMode;
  /** The `source` column of rejects (default `schema contract`). */
  source?: string;
  /** Where the contract is in the spec, for error paths (default `schema`). */
  path?: string;
}

export interface SchemaMismatch {
  column: string;
  expected: string;
  actual: string;
}

export interface SchemaContractResult {
  /** The rows that meet the contract (the input SQL itself when nothing had to be converted). */
  sql: string;
  /** With `reject` and mistyped columns: `raw VARCHAR, reason VARCHAR, source VARCHAR` of the rows that did not convert. */
  rejectsSql?: string;
  mismatches: SchemaMismatch[];
  columns: ColumnInfo[];
}

/**
 * Checks a query's columns against a contract.
 * @example
 * const { sql, rejectsSql } = await checkSchemaContract({ session, sql: plan.sql, contract: { columns: { amount: 'DOUBLE' } }, onMismatch: 'reject' });
 */
export async function checkSchemaContract(options: CheckSchemaContractOptions): Promise<SchemaContractResult> {
  const at = options.path ?? 'schema';
  const parsed = schemaContractSchema.safeParse(options.contract);
  if (!parsed.success) throw new ValidationError('invalid schema contract', zodIssues(parsed.error, at));
  const contract = parsed.data;
  const columns = await options.session.describe(options.sql);
  const actual = new Map(columns.map((c) => [c.name, c.type]));

  const issues: Issue[] = [];
  const missing = Object.keys(contract.columns).filter((name) => !actual.has(name));
  if (missing.length > 0) {
    issues.push({ path: `${at}.columns`, message: `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}` });
  }
  if (contract.strict) {
    const extra = columns.filter((c) => !(c.name in contract.columns)).map((c) => `'${c.name}'`);
    if (extra.length > 0) issues.push({ path: `${at}.columns`, message: `unexpected column${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (strict)` });
  }
  const mismatches: SchemaMismatch[] = [];
  for (const [column, expected] of Object.entries(contract.columns)) {
    const type = actual.get(column);
    if (type !== undefined && normalizeDuckType(type) !== expected) mismatches.push({ column, expected, actual: type });
  }
  if (options.onMismatch === 'fail') {
    for (const m of mismatches) issues.push({ path: `${at}.columns.${m.column}`, message: `column '${m.column}': expected ${m.expected}, got ${m.actual}` });
  }
  if (issues.length > 0) throw new ValidationError('output does not meet its schema contract', issues);
  if (mismatches.length === 0) return { sql: options.sql, mismatches, columns };

  const cast = (m: SchemaMismatch) => `TRY_CAST(${quoteIdent(m.column)} AS ${m.expected})`;
  const converts = mismatches.map((m) => `(${quoteIdent(m.column)} IS NULL OR ${cast(m)} IS NOT NULL)`).join(' AND ');
  const sql = `SELECT * REPLACE (${mismatches.map((m) => `${cast(m)} AS ${quoteIdent(m.column)}`).join(', ')}) FROM (${options.sql}\n) AS __contract_row WHERE ${converts}`;
  try {
    await options.session.describe(sql);
  } catch (error) {
    const message = `cannot convert to the contract's types: ${messageOf(error).split('\n')[0]}`;
    throw new ValidationError('output does not meet its schema contract', [{ path: `${at}.columns`, message }]);
  }
  const reasons = mismatches.map((m) => {
    const prefix = quoteLiteral(`column '${m.column}': value `);
    const suffix = quoteLiteral(` is not ${m.expected}`);
    const value = `left(CAST(to_json(${quoteIdent(m.column)}) AS VARCHAR), 200)`;
    return `CASE WHEN ${quoteIdent(m.column)} IS NOT NULL AND ${cast(m)} IS NULL THEN ${prefix} || ${value} || ${suffix} END`;
  });
  const rejectsSql =
    `SELECT CAST(to_json(__contract_row) AS VARCHAR) AS raw, concat_ws('; ', ${reasons.join(', ')}) AS reason, ` +
    `${quoteLiteral(options.source ?? 'schema contract')} AS source FROM (${options.sql}\n) AS __contract_row WHERE NOT (${converts})`;
  return { sql, rejectsSql, mismatches, columns };
}
