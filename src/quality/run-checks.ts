/**
 * Runs data quality checks on one relation (a dataset version) in DuckDB: one query per check,
 * which counts the failing rows and brings back up to five of them as the sample. A check that
 * cannot run (a column that does not exist, a bad pattern) fails with the reason rather than
 * stopping the others, so every result can be stored.
 */
import { messageOf } from '../core/errors.ts';
import type { DuckSession } from '../engine/duckdb.ts';
import { quoteIdent } from '../engine/sql-quote.ts';
import { toJsonRows, toJsonValue } from '../datasets/json-rows.ts';
import { checkName, type CheckResult, type CheckSpec } from './check.ts';
import { checkedRelation, rowCheckSql, type CheckSqlContext, type RowCheckSql } from './check-sql.ts';
import { plural, runDatasetLevelCheck } from './dataset-level-checks.ts';

/** Failing rows kept as a check's sample. */
export const SAMPLE_SIZE = 5;

export interface RunChecksOptions {
  session: Pick<DuckSession, 'all' | 'one' | 'describe'>;
  /** The relation checked, usable after FROM: `read_parquet([...])`, a table name, `(SELECT ...)`. */
  relationSql: string;
  /** Validated checks (see checkSpecSchema). */
  checks: readonly CheckSpec[];
  /** The relation of another dataset, for relationships and `{{ ref('name') }}` in custom_sql. */
  resolveDataset: (name: string) => Promise<string>;
  /** The time freshness is measured against (default: the current time). */
  now?: Date;
  /** Run params for `{{ params.name }}` in `where` and `custom_sql`. */
  params?: Readonly<Record<string, unknown>>;
  /** Where the checks are in the spec, for error messages (default `checks`). */
  path?: string;
}

/**
 * Runs every check, in order, and returns one result per check.
 * @example
 * const results = await runChecks({ session, relationSql: '"orders"', checks: parseChecks([{ type: 'not_null', columns: 'id' }]),
 *   resolveDataset: async (name) => quoteIdent(name) });
 * results[0]; // { name: 'not_null(id)', status: 'pass', failingRows: 0, sample: [], ... }
 */
export async function runChecks(options: RunChecksOptions): Promise<CheckResult[]> {
  const now = options.now ?? new Date();
  const results: CheckResult[] = [];
  for (const [index, check] of options.checks.entries()) {
    const context: CheckSqlContext = {
      relation: options.relationSql,
      resolveDataset: options.resolveDataset,
      params: options.params ?? {},
      path: `${options.path ?? 'checks'}[${index}]`,
    };
    const started = performance.now();
    let outcome: Omit<CheckResult, 'name' | 'type' | 'severity' | 'status' | 'durationMs'> & { passed: boolean };
    try {
      outcome = await runOne(options.session, check, context, now);
    } catch (error) {
      outcome = { passed: false, failingRows: 0, sample: [], message: `could not run: ${messageOf(error).split('\n')[0]}` };
    }
    const { passed, ...found } = outcome;
    results.push({
      name: checkName(check),
      type: check.type,
      severity: check.severity,
      status: passed ? 'pass' : check.severity === 'warn' ? 'warn' : 'fail',
      ...found,
      durationMs: Math.round(performance.now() - started),
    });
  }
  return results;
}

async function runOne(
  session: RunChecksOptions['session'],
  check: CheckSpec,
  context: CheckSqlContext,
  now: Date,
): Promise<{ passed: boolean; failingRows: number; sample: Array<Record<string, unknown>>; message: string }> {
  const relation = checkedRelation(check, context);
  if (check.type === 'row_count' || check.type === 'freshness' || check.type === 'schema') {
    const outcome = await runDatasetLevelCheck(session, check, relation, now);
    return { passed: outcome.passed, failingRows: 0, sample: outcome.passed ? [] : toJsonRows(outcome.measured), message: outcome.message };
  }
  const compiled = (await rowCheckSql(check, relation, context)) as RowCheckSql;
  const { failingRows, sample } = await countAndSample(session, compiled);
  return { passed: failingRows === 0, failingRows, sample, message: `${plural(failingRows, 'row')} ${compiled.what}` };
}

/** One query: how many rows fail, and the first few of them. */
async function countAndSample(session: Pick<DuckSession, 'one'>, compiled: RowCheckSql): Promise<{ failingRows: number; sample: Array<Record<string, unknown>> }> {
  // Ordered twice: the top rows by key are picked, and list() keeps them in that order.
  const keys = compiled.sampleOrder?.map(quoteIdent) ?? [];
  const pick = keys.length > 0 ? ` ORDER BY ${keys.join(', ')}` : '';
  const keep = keys.length > 0 ? ` ORDER BY ${keys.map((k) => `__dd_sample.${k}`).join(', ')}` : '';
  const row = await session.one(
    `WITH __dd_failing AS (${compiled.failingSql}\n) ` +
      `SELECT (SELECT count(*) FROM __dd_failing)::BIGINT AS failing_rows, ` +
      `(SELECT list(__dd_sample${keep}) FROM (SELECT * FROM __dd_failing${pick} LIMIT ${SAMPLE_SIZE}) AS __dd_sample) AS sample`,
  );
  const sample = Array.isArray(row?.sample) ? (row.sample as unknown[]).map((r) => toJsonValue(r) as Record<string, unknown>) : [];
  return { failingRows: Number(row?.failing_rows ?? 0), sample };
}
