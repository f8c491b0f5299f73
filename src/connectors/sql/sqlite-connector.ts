/**
 * The `sqlite` connector: a SQLite database file (better-sqlite3), relative to the spec's
 * folder. Reads iterate a statement row by row; writes are multi-row INSERTs in one IMMEDIATE
 * transaction, with `ON CONFLICT ... DO UPDATE` for upserts. Declared column types (BOOLEAN,
 * DATE, JSON, ...) carry the dataset's types, so values read back as they were written.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import type { Connector, ConnectorContext, RecordBatch, WriteContext } from '../connector.ts';
import { parseDuckType } from './duck-type.ts';
import { assertCursorColumn, planRead } from './read-plan.ts';
import { parseConnectorConfig, sqlRelationFields, writeTarget } from './sql-config.ts';
import { sqliteDialect } from './sql-dialect.ts';
import { fromStoredValue, toDbValue, toJson } from './sql-values.ts';
import { discoverSqlite, sqliteTableColumns, sqliteUniqueKeys } from './sqlite-catalog.ts';
import { assertColumnsExist, assertUniqueKey, createTableSql, insertValuesSql, planWrite, rowsPerInsert, type WritePlan } from './write-plan.ts';

/** Config of the `sqlite` connector: the database file, plus what to read or write. */
export const sqliteConfigSchema = z.object({
  path: z.string().min(1).describe('The database file, relative to the spec\'s folder'),
  busy_timeout_ms: z.number().int().nonnegative().default(5_000).describe('How long to wait for another writer\'s lock'),
  ...sqlRelationFields,
});
/** A `sqlite` connector config as written in a spec. */
export type SqliteConfig = z.input<typeof sqliteConfigSchema>;
type ParsedConfig = z.output<typeof sqliteConfigSchema>;

const parse = (ctx: ConnectorContext<SqliteConfig>): ParsedConfig => parseConnectorConfig('sqlite', sqliteConfigSchema, ctx.config);
/** SQLite's bind-variable limit is 32,766. */
const MAX_PARAMS = 30_000;

/** Opens the file; reads never create it, so a wrong path is an error rather than an empty database. */
function open(ctx: ConnectorContext<SqliteConfig>, config: ParsedConfig, write: boolean): BetterSqlite3.Database {
  const file = path.resolve(ctx.baseDir, config.path);
  if (write) mkdirSync(path.dirname(file), { recursive: true });
  try {
    return new BetterSqlite3(file, { readonly: !write, fileMustExist: !write, timeout: config.busy_timeout_ms });
  } catch (error) {
    if (!write && (error as { code?: string }).code === 'SQLITE_CANTOPEN') throw new ValidationError(`SQLite database ${file} does not exist`);
    throw error;
  }
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null only. */
function bindValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return toJson(value);
  return value;
}

async function* readSqlite(ctx: ConnectorContext<SqliteConfig>): AsyncIterable<RecordBatch> {
  const config = parse(ctx);
  const plan = await planRead(sqliteDialect, config, ctx);
  const db = open(ctx, config, false);
  let rows: IterableIterator<unknown[]> | undefined;
  try {
    const statement = db.prepare(plan.sql);
    if (!statement.reader) throw new ValidationError('config.query must return rows');
    // Exact 64-bit integers; fromStoredValue turns the ones that fit into numbers.
    statement.safeIntegers(true).raw(true);
    const columns = statement.columns();
    const names = columns.map((c) => c.name);
    const kinds = columns.map((c) => parseDuckType(sqliteDialect.duckType(c.type ?? '')).kind);
    assertCursorColumn(plan.tracker, names);
    const cursorIndex = plan.tracker ? names.lastIndexOf(plan.tracker.column) : -1;
    rows = statement.iterate(...plan.params.map(bindValue)) as IterableIterator<unknown[]>;
    let batch: RecordBatch = [];
    for (const values of rows) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i] as string] = fromStoredValue(values[i], kinds[i] ?? 'other');
      // The stored value, not the converted one, so the next run compares like with like.
      if (cursorIndex >= 0) plan.tracker?.observe(values[cursorIndex]);
      batch.push(row);
      if (batch.length >= config.batch_size) {
        ctx.signal.throwIfAborted();
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    rows?.return?.();
    db.close();
  }
  await plan.tracker?.save(ctx.state);
}

function prepareTarget(db: BetterSqlite3.Database, plan: WritePlan): void {
  const existing = sqliteTableColumns(db, plan.target);
  if (existing.length === 0) {
    db.exec(createTableSql(sqliteDialect, plan));
    return;
  }
  assertColumnsExist(plan, existing);
  if (plan.mode === 'upsert') assertUniqueKey(plan, sqliteUniqueKeys(db, plan.target));
}

async function writeSqlite(ctx: WriteContext<SqliteConfig>): Promise<{ rowsWritten: number }> {
  const config = parse(ctx);
  const plan = planWrite(ctx, writeTarget(config));
  const db = open(ctx, config, true);
  const chunk = rowsPerInsert(plan, MAX_PARAMS, 500);
  let fullChunk: BetterSqlite3.Statement | undefined;
  const insert = (rows: RecordBatch) => {
    const params: unknown[] = [];
    for (const row of rows) plan.columns.forEach((c, i) => params.push(bindValue(toDbValue(row[c.name], (plan.types[i] as WritePlan['types'][number]).kind, 'sqlite'))));
    // Every chunk but the last has the same shape, so its statement is prepared once.
    const statement = rows.length === chunk ? (fullChunk ??= db.prepare(insertValuesSql(sqliteDialect, plan, chunk))) : db.prepare(insertValuesSql(sqliteDialect, plan, rows.length));
    statement.run(...params);
  };
  try {
    // IMMEDIATE takes the write lock at once, so the load never fails half-way on a lock upgrade.
    db.exec('BEGIN IMMEDIATE');
    prepareTarget(db, plan);
    if (plan.mode === 'overwrite') db.exec(`DELETE FROM ${sqliteDialect.qualify(plan.target)}`);
    let rowsWritten = 0;
    let pending: RecordBatch = [];
    for await (const batch of ctx.batches) {
      ctx.signal.throwIfAborted();
      for (const row of batch) {
        pending.push(row);
        if (pending.length === chunk) {
          insert(pending);
          pending = [];
        }
      }
      rowsWritten += batch.length;
    }
    if (pending.length > 0) insert(pending);
    db.exec('COMMIT');
    return { rowsWritten };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  } finally {
    db.close();
  }
}

/**
 * SQLite database files as source and sink.
 *
 * @example
 * // config: { type: sqlite, path: data/app.db, table: events, incremental: { cursor: id } }
 */
export const sqliteConnector: Connector<SqliteConfig> = {
  type: 'sqlite',
  description: 'SQLite database files: streamed reads with incremental cursors; batched append, overwrite and upsert',
  configSchema: sqliteConfigSchema,

  async test(ctx) {
    const config = parse(ctx);
    const db = open(ctx, config, false);
    try {
      db.prepare('select 1').get();
      return { ok: true, message: `opened ${path.resolve(ctx.baseDir, config.path)} (SQLite ${String(db.prepare('select sqlite_version()').pluck().get())})` };
    } finally {
      db.close();
    }
  },

  async discover(ctx) {
    const config = parse(ctx);
    const db = open(ctx, config, false);
    try {
      return discoverSqlite(db, config.schema);
    } finally {
      db.close();
    }
  },

  read: readSqlite,
  write: writeSqlite,
};
