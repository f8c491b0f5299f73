/**
 * Metrics of an `aggregate` step: `orders: count`, `revenue: { sum: amount }`,
 * `p90: { quantile: amount, q: 0.9 }`, `paid: { sum: amount, where: "status = 'paid'" }`,
 * `margin: { expr: "sum(price - cost)" }`.
 */
import { z } from 'zod';
import { quoteIdent } from '../sql-quote.ts';

/** Aggregates a metric may use; each takes one column except `count` (rows) and `expr` (raw SQL). */
export const AGGREGATES = [
  'count',
  'count_distinct',
  'sum',
  'avg',
  'min',
  'max',
  'median',
  'quantile',
  'stddev',
  'variance',
  'any_value',
  'list',
  'expr',
] as const;
export type AggregateName = (typeof AGGREGATES)[number];

/** One output column of an aggregate step. */
export interface AggregateMetric {
  name: string;
  aggregate: AggregateName;
  /** The column aggregated; absent for `count` of rows. For `expr`, the SQL expression. */
  column?: string;
  /** Quantile in [0, 1], for `quantile`. */
  q?: number;
  /** Interpolated (default) or an actual value of the column, for `quantile`. */
  discrete?: boolean;
  /** SQL condition: only rows where it holds are aggregated (a FILTER clause). */
  where?: string;
}

const OPTIONS = ['q', 'where', 'discrete'] as const;

function isAggregate(name: string): name is AggregateName {
  return (AGGREGATES as readonly string[]).includes(name);
}

/** A metric, in short (`count`) or object form; errors name the unknown aggregate. */
export const aggregateMetricSchema = z.unknown().transform((value, ctx): Omit<AggregateMetric, 'name'> => {
  const fail = (message: string, path: PropertyKey[] = []): never => {
    ctx.addIssue({ code: 'custom', message, path });
    return z.NEVER;
  };
  if (typeof value === 'string') {
    if (value === 'count') return { aggregate: 'count' };
    if (isAggregate(value)) return fail(`aggregate '${value}' needs a column: write { ${value}: column }`);
    return fail(`unknown aggregate '${value}' (expected one of ${AGGREGATES.join(', ')})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail("expected an aggregate such as 'count' or { sum: column }");
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => !(OPTIONS as readonly string[]).includes(key));
  if (keys.length !== 1) {
    return fail(keys.length === 0 ? 'expected one aggregate, such as { sum: column }' : `expected one aggregate, got ${keys.map((k) => `'${k}'`).join(', ')}`);
  }
  const aggregate = keys[0] as string;
  if (!isAggregate(aggregate)) return fail(`unknown aggregate '${aggregate}' (expected one of ${AGGREGATES.join(', ')})`);
  const column = record[aggregate];
  if (typeof column !== 'string' || column.length === 0) {
    return fail(aggregate === 'expr' ? 'expected a SQL expression' : 'expected a column name', [aggregate]);
  }
  const metric: Omit<AggregateMetric, 'name'> = { aggregate, column };
  if (record.q !== undefined || aggregate === 'quantile') {
    if (aggregate !== 'quantile') return fail(`'q' only applies to quantile`, ['q']);
    if (typeof record.q !== 'number' || record.q < 0 || record.q > 1) return fail('expected a quantile between 0 and 1', ['q']);
    metric.q = record.q;
  }
  if (record.discrete !== undefined) {
    if (aggregate !== 'quantile' && aggregate !== 'median') return fail(`'discrete' only applies to quantile and median`, ['discrete']);
    if (typeof record.discrete !== 'boolean') return fail('expected true or false', ['discrete']);
    metric.discrete = record.discrete;
  }
  if (record.where !== undefined) {
    if (aggregate === 'expr') return fail("'where' does not apply to expr: write the FILTER clause in the expression", ['where']);
    if (typeof record.where !== 'string' || record.where.length === 0) return fail('expected a SQL condition', ['where']);
    metric.where = record.where;
  }
  return metric;
});

/**
 * The SQL of a metric. `where` and `expr` must already be checked (and templated) by the caller.
 * @example metricSql({ name: 'p90', aggregate: 'quantile', column: 'amount', q: 0.9 }) // quantile_cont("amount", 0.9)
 */
export function metricSql(metric: AggregateMetric): string {
  const col = metric.column === undefined || metric.column === '*' ? '*' : quoteIdent(metric.column);
  let call: string;
  switch (metric.aggregate) {
    case 'count':
      call = `count(${col})`;
      break;
    case 'count_distinct':
      call = `count(DISTINCT ${col})`;
      break;
    case 'median':
      call = metric.discrete ? `quantile_disc(${col}, 0.5)` : `median(${col})`;
      break;
    case 'quantile':
      call = `${metric.discrete ? 'quantile_disc' : 'quantile_cont'}(${col}, ${metric.q ?? 0.5})`;
      break;
    case 'stddev':
      call = `stddev_samp(${col})`;
      break;
    case 'variance':
      call = `var_samp(${col})`;
      break;
    case 'expr':
      return `(${metric.column ?? 'NULL'}\n)`;
    default:
      call = `${metric.aggregate}(${col})`;
  }
  return metric.where ? `${call} FILTER (WHERE ${metric.where}\n)` : call;
}
