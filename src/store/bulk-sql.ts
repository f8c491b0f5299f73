/**
 * Multi-row INSERT and upsert statements for the engine's hot path, compiled by hand.
 *
 * Kysely's builder makes a frozen node per value and walks them to compile: for a batch of a
 * thousand rows that is most of the batch's CPU and garbage. These statements are plain text
 * over column names the store itself supplies, with the values bound (never in the text), and
 * run through Kysely's connection.
 *
 * On Postgres a whole batch is one statement (compilePostgresBatch), and each table's rows go
 * as one JSON parameter that `json_populate_recordset` unpacks into the table's row type: the
 * text stays the same whatever the row count, and Postgres parses one JSON document instead of
 * thousands of parameters. SQLite (in process, where parameters and statements are cheap) gets
 * multi-row VALUES lists in a transaction.
 */
import { CompiledQuery } from 'kysely';
import { jsonText } from './store-rows.ts';

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

/** One multi-row statement for SQLite; values bind as `?` parameters in row order. */
export function compileValuesInsert(insert: BulkInsert): CompiledQuery {
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

/**
 * `insert ... select ... from json_populate_recordset(...)` over the JSON document bound at
 * `param`; `from` and `where` extend its select (used by the single-statement batch).
 */
function jsonRowsInsertText(insert: BulkInsert, param: string, extra: { from?: string; where?: string } = {}): string {
  const json = new Set(insert.json ?? []);
  // A JSON column's text arrives as a JSON string, which `#>> '{}'` unwraps back to its text
  // for the cast (so it is stored as JSON, not a string).
  const select = insert.columns.map((column) => (json.has(column) ? `(${ident(column)} #>> '{}')::jsonb` : ident(column)));
  return (
    `insert into ${ident(insert.table)} (${insert.columns.map(ident).join(', ')}) ` +
    `select ${select.join(', ')} from json_populate_recordset(null::${ident(insert.table)}, ${param}::json)${extra.from ? `, ${extra.from}` : ''}` +
    (extra.where ? ` where ${extra.where}` : '')
  );
}

/** The rows as one JSON document. */
function jsonRows(insert: BulkInsert): string {
  // Text columns too: a NUL in a log line would fail the whole statement (see withoutNul).
  return jsonText(insert.rows);
}

/** What one engine batch writes on Postgres, for compilePostgresBatch. */
export interface PostgresBatch {
  /** Write only if every run in `runIds` is owned by `owner` (rows locked until commit). */
  ownedBy?: { owner: string; runIds: readonly string[] };
  /** Inserts and upserts, in any order (each targets its own table). */
  writes: readonly BulkInsert[];
  /**
   * Appends to tables read by id (logs, events), taken under the advisory lock `lockKey`, held
   * to commit, so concurrent batches commit their ids in order. At most one may return a column.
   */
  appends?: { lockKey: number; inserts: readonly BulkInsert[] };
}

/** A row of compilePostgresBatch's result: a returned value, or a run owned by someone else. */
export interface PostgresBatchRow {
  returned: string | number | null;
  conflict_run: string | null;
  conflict_owner: string | null;
}

/**
 * One engine batch as a single Postgres statement: every write is a data-modifying CTE, so the
 * batch is atomic on its own (no BEGIN/COMMIT) and costs one round trip instead of one per table.
 * The ownership check locks the runs first and gates every write: when a run is owned by another
 * engine nothing is written and the statement returns that run. The append lock is joined into
 * each append's select, so it is taken before any row (and any id) is made.
 */
export function compilePostgresBatch(batch: PostgresBatch): CompiledQuery {
  const parameters: unknown[] = [];
  const param = (value: unknown, type: string): string => {
    parameters.push(value);
    return `$${parameters.length}::${type}`;
  };
  const ctes: string[] = [];
  let gate: string | undefined;
  let conflicts = '';
  if (batch.ownedBy) {
    const owner = param(batch.ownedBy.owner, 'text');
    // Locked in id order, so two batches sharing runs cannot deadlock.
    ctes.push(`"dd_owned" as materialized (select "id", "owner" from "runs" where "id" = any(${param(batch.ownedBy.runIds, 'text[]')}) order by "id" for update)`);
    ctes.push(`"dd_allowed" as materialized (select not exists (select 1 from "dd_owned" where "owner" is distinct from ${owner}) as "ok")`);
    gate = '(select "ok" from "dd_allowed")';
    conflicts = ` union all select null, "id", "owner" from "dd_owned" where "owner" is distinct from ${owner}`;
  }
  const appends = (batch.appends?.inserts ?? []).filter((a) => a.rows.length > 0);
  if (appends.length > 0) ctes.push(`"dd_append_lock" as materialized (select pg_advisory_xact_lock(${param(batch.appends?.lockKey, 'bigint')}) as "locked")`);
  let returning: string | undefined;
  const add = (insert: BulkInsert, from?: string): void => {
    const name = `dd_write_${ctes.length}`;
    const text = jsonRowsInsertText(insert, param(jsonRows(insert), 'text'), { ...(from ? { from } : {}), ...(gate ? { where: gate } : {}) }) + tail(insert);
    ctes.push(`${ident(name)} as (${text})`);
    if (insert.returning) returning = `select ${ident(insert.returning)}::text as "returned", null::text as "conflict_run", null::text as "conflict_owner" from ${ident(name)}`;
  };
  for (const insert of batch.writes) if (insert.rows.length > 0) add(insert);
  for (const insert of appends) add(insert, '"dd_append_lock"');
  const main = (returning ?? 'select null::text as "returned", null::text as "conflict_run", null::text as "conflict_owner" where false') + conflicts;
  return CompiledQuery.raw(ctes.length > 0 ? `with ${ctes.join(', ')} ${main}` : main, parameters);
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
