/**
 * The SELECT a SQL read runs: a table or the user's query, narrowed to rows above the
 * incremental cursor and ordered by it. Run params reach the query only as bind parameters.
 */
import { ValidationError } from '../../core/errors.ts';
import type { ConnectorContext } from '../connector.ts';
import { CursorTracker, loadCursor } from './incremental-cursor.ts';
import { resolveTable, type SqlRelationConfig } from './sql-config.ts';
import type { SqlDialect } from './sql-dialect.ts';

/** A read's SQL and bind values, and the cursor tracker of an incremental read. */
export interface ReadPlan {
  sql: string;
  /** Bind values, in placeholder order. */
  params: unknown[];
  /** Set for incremental reads: save it to the state once every batch has been delivered. */
  tracker?: CursorTracker;
}

const WHOLE_PARAM = /^\$\{params\.([A-Za-z_][A-Za-z0-9_]*)\}$/;
const ANY_PARAM = /\$\{params\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

function runParam(name: string, params: Readonly<Record<string, unknown>>, path: string): unknown {
  if (!(name in params)) {
    const known = Object.keys(params);
    throw new ValidationError(`${path}: run param '${name}' is not set`, [{ path, message: `known params: ${known.length ? known.join(', ') : 'none'}` }]);
  }
  return params[name];
}

/**
 * Resolves `query_params`: `"${params.day}"` becomes the run param itself (keeping its type), a
 * template inside a longer string is filled in as text; either way the result is bound, not
 * spliced into SQL.
 *
 * @example
 * resolveQueryParams(['${params.day}', 'EU-${params.region}'], { day: '2026-01-31', region: 'west' })
 * // ['2026-01-31', 'EU-west']
 */
export function resolveQueryParams(values: readonly unknown[], params: Readonly<Record<string, unknown>>): unknown[] {
  return values.map((value, i) => {
    if (typeof value !== 'string') return value;
    const path = `config.query_params[${i}]`;
    const whole = WHOLE_PARAM.exec(value);
    if (whole) return runParam(whole[1] as string, params, path);
    return value.replace(ANY_PARAM, (_m, name: string) => String(runParam(name, params, path)));
  });
}

/** Builds the read for a config; `query` and `table` are exclusive. */
export async function planRead(dialect: SqlDialect, config: SqlRelationConfig, ctx: ConnectorContext<unknown>): Promise<ReadPlan> {
  if (config.table !== undefined && config.query !== undefined) throw new ValidationError('set either config.table or config.query, not both');
  let source: string;
  let params: unknown[] = [];
  if (config.query !== undefined) {
    if (config.query.includes('${')) {
      throw new ValidationError('config.query must not contain ${...} templates: put a placeholder in the query and the template in config.query_params');
    }
    source = config.query.trim().replace(/;+\s*$/, '');
    params = resolveQueryParams(config.query_params ?? [], ctx.params);
  } else if (config.table !== undefined) {
    if (config.query_params?.length) throw new ValidationError('config.query_params needs config.query');
    source = dialect.qualify(resolveTable(config.table, config.schema));
  } else {
    throw new ValidationError('config.table or config.query is required to read');
  }

  if (!config.incremental) {
    return { sql: config.query !== undefined ? source : `SELECT * FROM ${source}`, params };
  }
  const from = config.query !== undefined ? `(${source}) AS ${dialect.quoteIdent('dd_query')}` : source;
  const cursor = dialect.quoteIdent(config.incremental.cursor);
  const after = await loadCursor(ctx, config.incremental);
  let sql = `SELECT * FROM ${from}`;
  if (after !== undefined) {
    params.push(after);
    sql += ` WHERE ${cursor} > ${dialect.placeholder(params.length)}`;
  }
  sql += ` ORDER BY ${cursor}`;
  return { sql, params, tracker: new CursorTracker(config.incremental.cursor) };
}

/** Fails when an incremental read's rows lack the cursor column (a query that renamed it). */
export function assertCursorColumn(tracker: CursorTracker | undefined, columns: readonly string[]): void {
  if (tracker && columns.length > 0 && !columns.includes(tracker.column)) {
    throw new ValidationError(`incremental cursor column '${tracker.column}' is not in the result (columns: ${columns.join(', ')})`);
  }
}
