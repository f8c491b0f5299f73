/**
 * Checks over a dataset version as a whole rather than row by row: row_count, freshness and
 * schema. Each runs one query and reports what it measured, which becomes the sample of a
 * failing result.
 */
import { formatDuration } from '../core/duration.ts';
import type { DuckSession } from '../engine/duckdb.ts';
import { quoteIdent } from '../engine/sql-quote.ts';
import { normalizeDuckType } from '../engine/transforms/index.ts';
import type { CheckSpec } from './check.ts';
import { ROW_ALIAS } from './check-sql.ts';

/** What a dataset-level check found. */
export interface DatasetLevelOutcome {
  passed: boolean;
  message: string;
  /** What was measured, shown as the sample when the check fails. */
  measured: Array<Record<string, unknown>>;
}

type DatasetLevelCheck = Extract<CheckSpec, { type: 'row_count' | 'freshness' | 'schema' }>;

/** Runs a row_count, freshness or schema check on `relation` (already narrowed by `where`). */
export async function runDatasetLevelCheck(
  session: Pick<DuckSession, 'one' | 'describe'>,
  check: DatasetLevelCheck,
  relation: string,
  now: Date,
): Promise<DatasetLevelOutcome> {
  switch (check.type) {
    case 'row_count':
      return rowCount(session, check, relation);
    case 'freshness':
      return freshness(session, check, relation, now);
    case 'schema':
      return schema(session, check, relation);
  }
}

async function rowCount(session: Pick<DuckSession, 'one'>, check: Extract<CheckSpec, { type: 'row_count' }>, relation: string): Promise<DatasetLevelOutcome> {
  const rows = Number((await session.one(`SELECT count(*)::BIGINT AS n FROM ${relation} AS ${ROW_ALIAS}`))?.n ?? 0);
  const bounds = [...(check.min !== undefined ? [`at least ${check.min}`] : []), ...(check.max !== undefined ? [`at most ${check.max}`] : [])].join(' and ');
  const passed = (check.min === undefined || rows >= check.min) && (check.max === undefined || rows <= check.max);
  return {
    passed,
    message: `${plural(rows, 'row')}, expected ${bounds}`,
    measured: [{ rows, ...(check.min !== undefined ? { min: check.min } : {}), ...(check.max !== undefined ? { max: check.max } : {}) }],
  };
}

async function freshness(
  session: Pick<DuckSession, 'one'>,
  check: Extract<CheckSpec, { type: 'freshness' }>,
  relation: string,
  now: Date,
): Promise<DatasetLevelOutcome> {
  const row = await session.one(`SELECT max(${quoteIdent(check.column)}) AS latest FROM ${relation} AS ${ROW_ALIAS}`);
  const latest = toTime(row?.latest);
  const maxAge = formatAge(check.max_age);
  if (latest === undefined) {
    const why = row?.latest === null || row?.latest === undefined ? `no ${check.column} values` : `${check.column} is not a time (${String(row.latest)})`;
    return { passed: false, message: `${why} to measure freshness against max_age ${maxAge}`, measured: [{ latest: null, now: now.toISOString() }] };
  }
  const ageMs = now.getTime() - latest.getTime();
  const passed = ageMs <= check.max_age;
  const age = ageMs < 0 ? 'in the future' : `${formatAge(ageMs)} old`;
  return {
    passed,
    message: `latest ${check.column} ${latest.toISOString()} is ${age}, ${passed ? 'within' : 'more than'} max_age ${maxAge}`,
    measured: [{ latest: latest.toISOString(), now: now.toISOString(), age_ms: ageMs, max_age_ms: check.max_age }],
  };
}

async function schema(session: Pick<DuckSession, 'describe'>, check: Extract<CheckSpec, { type: 'schema' }>, relation: string): Promise<DatasetLevelOutcome> {
  const columns = await session.describe(`SELECT * FROM ${relation} AS ${ROW_ALIAS}`);
  const actual = new Map(columns.map((c) => [c.name, c.type]));
  const problems: Array<{ column: string; expected: string | null; actual: string | null }> = [];
  for (const [column, expected] of Object.entries(check.columns)) {
    const type = actual.get(column);
    if (type === undefined || normalizeDuckType(type) !== expected) problems.push({ column, expected, actual: type ?? null });
  }
  if (check.strict) for (const c of columns) if (!(c.name in check.columns)) problems.push({ column: c.name, expected: null, actual: c.type });
  const describe = (p: (typeof problems)[number]): string =>
    p.actual === null ? `column '${p.column}' is missing` : p.expected === null ? `column '${p.column}' is not in the schema (strict)` : `column '${p.column}' is ${p.actual}, expected ${p.expected}`;
  const message = problems.length === 0 ? `${plural(Object.keys(check.columns).length, 'column')} as expected` : problems.map(describe).join('; ');
  return { passed: problems.length === 0, message, measured: problems };
}

/** A time value as DuckDB hands it over (Date for DATE and TIMESTAMP types), or parsed from text. */
function toTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string') {
    const time = new Date(value);
    return Number.isNaN(time.getTime()) ? undefined : time;
  }
  return undefined;
}

/** Ages as people say them: `45s`, `3h 05m`, `2d 4h`. */
function formatAge(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours >= 48) return `${Math.floor(hours / 24)}d ${hours % 24}h`;
  if (hours >= 1) return `${hours}h ${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
  return formatDuration(ms);
}

/** `1 row`, `3 rows`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
