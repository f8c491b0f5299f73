/**
 * SQL of the steps that need one SELECT over the previous relation: filter, select, derive,
 * aggregate, dedupe, sort, limit, union and sql. Every user column name goes through
 * quoteIdent; every user expression through `ctx.expr` (templated, kept in its place).
 */
import type { ColumnInfo } from '../../connectors/connector.ts';
import { ValidationError } from '../../core/errors.ts';
import { quoteIdent, quoteLiteral } from '../sql-quote.ts';
import { metricSql } from './aggregate-metric.ts';
import type { StepContext, StepSql } from './transform-plan.ts';
import type { OutputColumn, SortKey, TransformStep } from './transform-step.ts';

type StepOf<K extends TransformStep['kind']> = Extract<TransformStep, { kind: K }>;

/** Checks that named columns exist, when the columns are known. */
export function assertColumnsExist(names: readonly string[], columns: readonly ColumnInfo[] | undefined, path: string, what = 'column'): void {
  if (!columns) return;
  const known = new Set(columns.map((c) => c.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length > 0) {
    const list = columns.map((c) => c.name).join(', ');
    throw new ValidationError('unknown column', [{ path, message: `unknown ${what}${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (columns: ${list})` }]);
  }
}

/** The SQL value of an output column, cast when asked. */
export function outputColumnSql(column: OutputColumn, ctx: StepContext, path: string, qualifier = ''): string {
  const value = column.column !== undefined ? `${qualifier}${quoteIdent(column.column)}` : ctx.expr(column.expr ?? '', `${path}.expr`);
  if (!column.cast) return value;
  return `${column.tryCast ? 'TRY_CAST' : 'CAST'}(${value} AS ${column.cast})`;
}

export function compileFilter(step: StepOf<'filter'>, ctx: StepContext): StepSql {
  const conditions = step.conditions.map((c, i) => `(${ctx.expr(c, step.conditions.length > 1 ? `${ctx.path}[${i}]` : ctx.path)})`);
  return { body: `SELECT * FROM ${ctx.input.name} WHERE ${conditions.join(' AND ')}` };
}

export async function compileSelect(step: StepOf<'select'>, ctx: StepContext): Promise<StepSql> {
  const known = await ctx.input.columns();
  const sources = step.columns.flatMap((c) => (c.column !== undefined ? [c.column] : []));
  assertColumnsExist(sources, known, ctx.path);
  const items = step.columns.map((c) => `${outputColumnSql(c, ctx, `${ctx.path}.${c.name}`)} AS ${quoteIdent(c.name)}`);
  return { body: `SELECT ${items.join(', ')} FROM ${ctx.input.name}` };
}

/** New columns are appended; a column of the same name is replaced where it stands. */
export async function compileDerive(step: StepOf<'derive'>, ctx: StepContext): Promise<StepSql> {
  const known = await ctx.input.columns();
  const sql = (c: OutputColumn) => `${outputColumnSql(c, ctx, `${ctx.path}.${c.name}`)} AS ${quoteIdent(c.name)}`;
  if (!known) {
    // Columns unknown before running: drop the replaced ones by name and append every derived column.
    const keep = `COLUMNS(c -> c NOT IN (${step.columns.map((c) => quoteLiteral(c.name)).join(', ')}))`;
    return { body: `SELECT ${keep}, ${step.columns.map(sql).join(', ')} FROM ${ctx.input.name}` };
  }
  const existing = new Set(known.map((c) => c.name));
  const replaced = step.columns.filter((c) => existing.has(c.name));
  const added = step.columns.filter((c) => !existing.has(c.name));
  const star = replaced.length > 0 ? `* REPLACE (${replaced.map(sql).join(', ')})` : '*';
  return { body: `SELECT ${[star, ...added.map(sql)].join(', ')} FROM ${ctx.input.name}` };
}

export async function compileAggregate(step: StepOf<'aggregate'>, ctx: StepContext): Promise<StepSql> {
  assertColumnsExist(step.groupBy, await ctx.input.columns(), `${ctx.path}.group_by`);
  const groups = step.groupBy.map(quoteIdent);
  const metrics = step.metrics.map((m) => {
    const path = `${ctx.path}.metrics.${m.name}`;
    const metric = {
      ...m,
      ...(m.aggregate === 'expr' ? { column: ctx.expr(m.column ?? '', path) } : {}),
      ...(m.where ? { where: ctx.expr(m.where, `${path}.where`) } : {}),
    };
    return `${metricSql(metric)} AS ${quoteIdent(m.name)}`;
  });
  const groupBy = groups.length > 0 ? ` GROUP BY ${groups.join(', ')}` : '';
  return { body: `SELECT ${[...groups, ...metrics].join(', ')} FROM ${ctx.input.name}${groupBy}` };
}

/** `ORDER BY` terms; DuckDB puts NULLs last by default in both directions, so that is explicit here. */
export function orderBySql(keys: readonly SortKey[], reverse = false): string {
  return keys
    .map((k) => {
      const desc = reverse ? !k.desc : k.desc;
      const nullsLast = (k.nulls ?? 'last') === 'last';
      return `${quoteIdent(k.column)} ${desc ? 'DESC' : 'ASC'} NULLS ${nullsLast !== reverse ? 'LAST' : 'FIRST'}`;
    })
    .join(', ');
}

export async function compileSort(step: StepOf<'sort'>, ctx: StepContext): Promise<StepSql> {
  assertColumnsExist(step.keys.map((k) => k.column), await ctx.input.columns(), ctx.path);
  return { body: `SELECT * FROM ${ctx.input.name} ORDER BY ${orderBySql(step.keys)}` };
}

export function compileLimit(step: StepOf<'limit'>, ctx: StepContext): StepSql {
  return { body: `SELECT * FROM ${ctx.input.name} LIMIT ${step.count}${step.offset > 0 ? ` OFFSET ${step.offset}` : ''}` };
}

/** Keeps one row per key: the first or last by `order_by` (keep last reverses the order). */
export async function compileDedupe(step: StepOf<'dedupe'>, ctx: StepContext): Promise<StepSql> {
  const known = await ctx.input.columns();
  if (step.keys.length === 0) return { body: `SELECT DISTINCT * FROM ${ctx.input.name}` };
  assertColumnsExist(step.keys, known, `${ctx.path}.keys`);
  assertColumnsExist(step.orderBy.map((k) => k.column), known, `${ctx.path}.order_by`);
  const order = step.orderBy.length > 0 ? ` ORDER BY ${orderBySql(step.orderBy, step.keep === 'last')}` : '';
  const window = `row_number() OVER (PARTITION BY ${step.keys.map(quoteIdent).join(', ')}${order})`;
  return { body: `SELECT * FROM ${ctx.input.name} QUALIFY ${window} = 1` };
}

export function compileUnion(step: StepOf<'union'>, ctx: StepContext): StepSql {
  const op = `UNION${step.distinct ? '' : ' ALL'}${step.byName ? ' BY NAME' : ''}`;
  const others = step.with.map((name, i) => ctx.dataset(name, step.with.length > 1 ? `${ctx.path}.with[${i}]` : `${ctx.path}.with`));
  return { body: [ctx.input, ...others].map((r) => `SELECT * FROM ${r.name}`).join(` ${op} `) };
}

export function compileSqlStep(step: StepOf<'sql'>, ctx: StepContext): StepSql {
  return { body: ctx.query(step.query, ctx.path) };
}
