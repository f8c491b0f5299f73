/**
 * Multi-row INSERT and upsert statements for the engine's hot path, compiled by hand.
 *
 * Kysely's builder makes a frozen node per value and walks them to compile: for a batch of a
 * thousand rows that is most of the batch's CPU and garbage. These statements are plain text
 * with bound parameters (never values in the text), over column names the store itself
 * supplies, and run through the same Kysely connection and transaction.
 */
import { CompiledQuery } from 'kysely';
import type { StoreDialect } from './store.ts';

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
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Compiles one multi-row statement; values bind as parameters in row order. */
export function compileBulkInsert(dialect: StoreDialect, insert: BulkInsert): CompiledQuery {
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
      marks[c] = dialect === 'postgres' ? `$${n}` : '?';
    }
    tuples[r] = `(${marks.join(', ')})`;
  }
  let text = `insert into ${ident(insert.table)} (${columns.map(ident).join(', ')}) values ${tuples.join(', ')}`;
  if (insert.conflict) {
    const assignments = [
      ...insert.conflict.update.map((column) => `${ident(column)} = excluded.${ident(column)}`),
      ...Object.entries(insert.conflict.set ?? {}).map(([column, expression]) => `${ident(column)} = ${expression}`),
    ];
    text += ` on conflict (${insert.conflict.keys.map(ident).join(', ')}) do update set ${assignments.join(', ')}`;
  }
  if (insert.returning) text += ` returning ${ident(insert.returning)}`;
  return CompiledQuery.raw(text, parameters);
}

/** The columns of a set of rows built by one row function (all alike; the first names them). */
export function columnsOf(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] {
  return rows.length === 0 ? [] : Object.keys(rows[0] as object);
}
