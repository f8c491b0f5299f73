/**
 * Multi-row INSERT and upsert statements for the engine's hot path, compiled by hand.
 *
 * Kysely's builder makes a frozen node per value and walks them to compile: for a batch of a
 * thousand rows that is most of the batch's CPU and garbage. These statements are plain text
 * over column names the store itself supplies, with the values bound (never in the text), and
 * run through the same Kysely connection and transaction.
 *
 * On Postgres the rows go as one JSON parameter that `json_populate_recordset` unpacks into the
 * table's row type: the statement text stays the same whatever the row count, and Postgres
 * parses one JSON document instead of thousands of parameters. SQLite (in process, where
 * parameters are cheap) gets a multi-row VALUES list.
 */
import { CompiledQuery } from 'kysely';
import type { StoreDialect } from './store.ts';
import { withoutNul } from './store-rows.ts';

export interface BulkInsert {
  table: string;
  /** Column names, in the order of each row's values. */
  columns: readonly string[];
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** On a key conflict, rewrite these columns from the new row (an upsert). */
  conflict?: {
    keys: readonly string[];
    update: readonly string[];
    /** Further assignments as SQL over `excluded` and the table (trusted text from the store). */
    set?: Readonly<Record<string, string>>;
  };
  returning?: string;
  /** Columns whose values are JSON text already (they go into the Postgres document as JSON). */
  json?: readonly string[];
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Compiles one multi-row statement; values bind as parameters in row order. */
export function compileBulkInsert(dialect: StoreDialect, insert: BulkInsert): CompiledQuery {
  return dialect === 'postgres' ? compileJsonRowsInsert(insert) : compileValuesInsert(insert);
}

function compileValuesInsert(insert: BulkInsert): CompiledQuery {
  const { columns, rows } = insert;
  const parameters: unknown[] = new Array(columns.length * rows.length);
  const tuples: string[] = new Array(rows.length);
  let n = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    const marks: string[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const value = row[columns[c] as string];
      parameters[n] = value === undefined ? null : value;
      n++;
      marks[c] = '?';
    }
    tuples[r] = `(${marks.join(', ')})`;
  }
  const text = `insert into ${ident(insert.table)} (${columns.map(ident).join(', ')}) values ${tuples.join(', ')}`;
  return CompiledQuery.raw(text + tail(insert), parameters);
}

function compileJsonRowsInsert(insert: BulkInsert): CompiledQuery {
  const json = new Set(insert.json ?? []);
  // One native JSON.stringify of the rows. A JSON column's text arrives as a JSON string, which
  // `#>> '{}'` unwraps back to its text for the cast (so it is stored as JSON, not a string).
  const select = insert.columns.map((column) => (json.has(column) ? `(${ident(column)} #>> '{}')::jsonb` : ident(column)));
  const text =
    `insert into ${ident(insert.table)} (${insert.columns.map(ident).join(', ')}) ` +
    `select ${select.join(', ')} from json_populate_recordset(null::${ident(insert.table)}, $1::json)`;
  // Text columns too: a NUL in a log line would fail the whole transaction (see withoutNul).
  return CompiledQuery.raw(text + tail(insert), [JSON.stringify(insert.rows, (_key, v: unknown) => (typeof v === 'string' ? withoutNul(v) : v))]);
}

/** The ON CONFLICT and RETURNING clauses. */
function tail(insert: BulkInsert): string {
  let text = '';
  if (insert.conflict) {
    const assignments = [
      ...insert.conflict.update.map((column) => `${ident(column)} = excluded.${ident(column)}`),
      ...Object.entries(insert.conflict.set ?? {}).map(([column, expression]) => `${ident(column)} = ${expression}`),
    ];
    text += ` on conflict (${insert.conflict.keys.map(ident).join(', ')}) do update set ${assignments.join(', ')}`;
  }
  if (insert.returning) text += ` returning ${ident(insert.returning)}`;
  return text;
}

/** The columns of a set of rows built by one row function (all alike; the first names them). */
export function columnsOf(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] {
  return rows.length === 0 ? [] : Object.keys(rows[0] as object);
}
