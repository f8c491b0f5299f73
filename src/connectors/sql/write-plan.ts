/**
 * The shared part of a SQL write: checking the columns, keys and mode; the CREATE TABLE for a
 * missing target; the checks against an existing one; and the statements every dialect spells
 * alike except for its upsert clause.
 */
import { ValidationError } from '../../core/errors.ts';
import { WRITE_MODES, type ColumnInfo, type WriteContext, type WriteMode } from '../connector.ts';
import { parseDuckType, type DuckType } from './duck-type.ts';
import type { SqlDialect, TableRef } from './sql-dialect.ts';

/** A checked write: where to, how, and with which columns and keys. */
export interface WritePlan {
  target: TableRef;
  mode: WriteMode;
  columns: readonly ColumnInfo[];
  /** The kind of each column, in `columns` order, for value conversion. */
  types: readonly DuckType[];
  /** Key columns: the conflict target of an upsert, and the primary key of a table we create. */
  keys: readonly string[];
}

/** Checks a write's mode, columns and keys before any SQL runs. */
export function planWrite(ctx: WriteContext<unknown>, target: TableRef): WritePlan {
  if (!(WRITE_MODES as readonly string[]).includes(ctx.mode)) throw new ValidationError(`unknown write mode '${String(ctx.mode)}' (use ${WRITE_MODES.join(', ')})`);
  if (ctx.columns.length === 0) throw new ValidationError('a write needs at least one column');
  const names = ctx.columns.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new ValidationError(`column '${duplicate}' is listed twice`);
  const keys = [...(ctx.keys ?? [])];
  if (ctx.mode === 'upsert' && keys.length === 0) throw new ValidationError('upsert needs keys: the columns that identify a row');
  const unknown = keys.filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new ValidationError(`key column${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} not among the written columns (${names.join(', ')})`);
  return { target, mode: ctx.mode, columns: ctx.columns, types: ctx.columns.map((c) => parseDuckType(c.type)), keys };
}

/** `CREATE TABLE IF NOT EXISTS`, with a primary key on the keys so later upserts work. */
export function createTableSql(dialect: SqlDialect, plan: WritePlan, suffix = ''): string {
  const q = dialect.quoteIdent;
  const defs = plan.columns.map((c) => {
    const key = plan.keys.includes(c.name);
    const notNull = key || c.nullable === false ? ' NOT NULL' : '';
    return `${q(c.name)} ${dialect.ddlType(c.type, { key })}${notNull}`;
  });
  if (plan.keys.length > 0) defs.push(`PRIMARY KEY (${plan.keys.map(q).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${dialect.qualify(plan.target)} (${defs.join(', ')})${suffix}`;
}

/** Fails when an existing table lacks some of the written columns. */
export function assertColumnsExist(plan: WritePlan, existing: readonly string[]): void {
  const missing = plan.columns.map((c) => c.name).filter((n) => !existing.includes(n));
  if (missing.length > 0) {
    throw new ValidationError(`table ${plan.target.schema ? `${plan.target.schema}.` : ''}${plan.target.table} has no column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} or write to a new table`);
  }
}

/**
 * Fails unless one of the table's unique keys (primary key or unique index) is exactly the
 * upsert keys: databases need it to find the row to update.
 */
export function assertUniqueKey(plan: WritePlan, uniqueKeys: ReadonlyArray<readonly string[]>): void {
  const wanted = [...plan.keys].sort().join('\u0000');
  if (uniqueKeys.some((k) => [...k].sort().join('\u0000') === wanted)) return;
  const name = `${plan.target.schema ? `${plan.target.schema}.` : ''}${plan.target.table}`;
  const found = uniqueKeys.length ? `its unique keys are ${uniqueKeys.map((k) => `(${k.join(', ')})`).join(', ')}` : 'it has none';
  throw new ValidationError(
    `cannot upsert into ${name} by (${plan.keys.join(', ')}): the table needs a primary key or unique index on exactly these columns, and ${found}. ` +
      `Add one (CREATE UNIQUE INDEX ... ON ${name} (${plan.keys.join(', ')})) or write with mode append or overwrite`,
  );
}

/** The quoted column list `(a, b, c)` without parentheses. */
export function columnList(dialect: SqlDialect, plan: WritePlan): string {
  return plan.columns.map((c) => dialect.quoteIdent(c.name)).join(', ');
}

/**
 * The clause that turns an INSERT into an upsert, in the dialect's syntax; columns that are not
 * keys take the incoming value.
 */
export function upsertClause(dialect: SqlDialect, plan: WritePlan): string {
  const q = dialect.quoteIdent;
  const others = plan.columns.map((c) => c.name).filter((n) => !plan.keys.includes(n));
  if (dialect.name === 'mysql') {
    // VALUES(col) is the spelling MySQL and MariaDB both accept.
    const sets = others.length > 0 ? others.map((n) => `${q(n)} = VALUES(${q(n)})`) : plan.keys.slice(0, 1).map((n) => `${q(n)} = ${q(n)}`);
    return ` ON DUPLICATE KEY UPDATE ${sets.join(', ')}`;
  }
  const target = `(${plan.keys.map(q).join(', ')})`;
  if (others.length === 0) return ` ON CONFLICT ${target} DO NOTHING`;
  return ` ON CONFLICT ${target} DO UPDATE SET ${others.map((n) => `${q(n)} = excluded.${q(n)}`).join(', ')}`;
}

/** A multi-row `INSERT ... VALUES (?, ?), (?, ?)` for `rows` rows, with the upsert clause in upsert mode. */
export function insertValuesSql(dialect: SqlDialect, plan: WritePlan, rows: number): string {
  const width = plan.columns.length;
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const marks: string[] = [];
    for (let c = 0; c < width; c++) marks.push(dialect.placeholder(++n));
    tuples.push(`(${marks.join(', ')})`);
  }
  const conflict = plan.mode === 'upsert' ? upsertClause(dialect, plan) : '';
  return `INSERT INTO ${dialect.qualify(plan.target)} (${columnList(dialect, plan)}) VALUES ${tuples.join(', ')}${conflict}`;
}

/** Rows per multi-row INSERT: bounded by the database's bind-parameter limit. */
export function rowsPerInsert(plan: WritePlan, maxParams: number, maxRows = 1000): number {
  return Math.max(1, Math.min(maxRows, Math.floor(maxParams / plan.columns.length)));
}
