/**
 * The `duckdb` connector: a DuckDB database FILE (not the platform's own engine). Reads stream
 * the result chunk by chunk; writes stage each run of rows as NDJSON in the call's temp folder
 * and let DuckDB load it with `read_json` (much faster than appending JS rows one by one), all
 * in one transaction; upserts use `ON CONFLICT ... DO UPDATE`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { DuckSession, normaliseValue } from '../../engine/duckdb.ts';
import type { Connector, ConnectorContext, RecordBatch, WriteContext } from '../connector.ts';
import { discoverDuckdb, duckdbTableColumns, duckdbUniqueKeys } from './duckdb-catalog.ts';
import { duckdbJsonRow, duckdbLoadSql } from './duckdb-load.ts';
import { assertCursorColumn, planRead } from './read-plan.ts';
import { parseConnectorConfig, sqlRelationFields, writeTarget } from './sql-config.ts';
import { duckdbDialect } from './sql-dialect.ts';
import { toJson } from './sql-values.ts';
import { assertColumnsExist, assertUniqueKey, createTableSql, planWrite, type WritePlan } from './write-plan.ts';

/** Config of the `duckdb` connector: the database file, plus what to read or write. */
export const duckdbConfigSchema = z.object({
  path: z.string().min(1).describe('The DuckDB database file, relative to the spec\'s folder'),
  memory_limit: z.string().optional().describe('e.g. 1GB; bounds DuckDB\'s memory for this file'),
  ...sqlRelationFields,
});
/** A `duckdb` connector config as written in a spec. */
export type DuckdbConfig = z.input<typeof duckdbConfigSchema>;
type ParsedConfig = z.output<typeof duckdbConfigSchema>;

const parse = (ctx: ConnectorContext<DuckdbConfig>): ParsedConfig => parseConnectorConfig('duckdb', duckdbConfigSchema, ctx.config);
/** Rows staged per NDJSON file before DuckDB loads it. */
const ROWS_PER_LOAD = 50_000;

interface OpenDatabase {
  session: DuckSession;
  close(): void;
}

/** Opens the file; reads open it read-only (other readers may share it) and never create it. */
async function open(ctx: ConnectorContext<DuckdbConfig>, config: ParsedConfig, write: boolean): Promise<OpenDatabase> {
  const file = path.resolve(ctx.baseDir, config.path);
  if (!write && !existsSync(file)) throw new ValidationError(`DuckDB database ${file} does not exist`);
  if (write) mkdirSync(path.dirname(file), { recursive: true });
  const options: Record<string, string> = {
    // Extensions cannot be downloaded here; fail fast instead of trying.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'true',
    temp_directory: ctx.tempDir,
  };
  if (!write) options.access_mode = 'READ_ONLY';
  if (config.memory_limit) options.memory_limit = config.memory_limit;
  const instance = await DuckDBInstance.create(file, options);
  const session = new DuckSession(await instance.connect());
  return {
    session,
    close: () => {
      session.close();
      instance.closeSync();
    },
  };
}

function bindValue(value: unknown): DuckDBValue {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return toJson(value);
  return value as DuckDBValue;
}

async function* readDuckdb(ctx: ConnectorContext<DuckdbConfig>): AsyncIterable<RecordBatch> {
  const config = parse(ctx);
  const plan = await planRead(duckdbDialect, config, ctx);
  const db = await open(ctx, config, false);
  try {
    const result = await db.session.connection.stream(plan.sql, plan.params.map(bindValue));
    const names = result.columnNames();
    // JSON columns arrive as text; the other SQL connectors give objects, so parse them.
    const types = result.columnTypes();
    const json = names.filter((_, i) => types[i]?.alias === 'JSON');
    assertCursorColumn(plan.tracker, names);
    let batch: RecordBatch = [];
    for await (const rows of result.yieldRowObjectJs()) {
      for (const row of rows as Array<Record<string, unknown>>) {
        for (const key of Object.keys(row)) row[key] = normaliseValue(row[key]);
        for (const key of json) if (typeof row[key] === 'string') row[key] = JSON.parse(row[key] as string) as unknown;
        batch.push(row);
        if (batch.length >= config.batch_size) {
          ctx.signal.throwIfAborted();
          plan.tracker?.observeBatch(batch);
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) {
      plan.tracker?.observeBatch(batch);
      yield batch;
    }
  } finally {
    db.close();
  }
  await plan.tracker?.save(ctx.state);
}

async function prepareTarget(session: DuckSession, plan: WritePlan): Promise<void> {
  const existing = await duckdbTableColumns(session, plan.target);
  if (existing.length === 0) {
    if (plan.target.schema) await session.run(`CREATE SCHEMA IF NOT EXISTS ${duckdbDialect.quoteIdent(plan.target.schema)}`);
    await session.run(createTableSql(duckdbDialect, plan));
    return;
  }
  assertColumnsExist(plan, existing);
  if (plan.mode === 'upsert') assertUniqueKey(plan, await duckdbUniqueKeys(session, plan.target));
}

async function writeDuckdb(ctx: WriteContext<DuckdbConfig>): Promise<{ rowsWritten: number }> {
  const config = parse(ctx);
  const plan = planWrite(ctx, writeTarget(config));
  const db = await open(ctx, config, true);
  const staged = path.join(ctx.tempDir, `dd-load-${randomBytes(6).toString('hex')}.ndjson`);
  const loadSql = duckdbLoadSql(plan);
  let rowsWritten = 0;
  let lines: string[] = [];
  const flush = async () => {
    if (lines.length === 0) return;
    await writeFile(staged, lines.join('\n'));
    lines = [];
    await db.session.run(loadSql, [staged]);
  };
  try {
    await db.session.run('BEGIN TRANSACTION');
    await prepareTarget(db.session, plan);
    if (plan.mode === 'overwrite') await db.session.run(`DELETE FROM ${duckdbDialect.qualify(plan.target)}`);
    for await (const batch of ctx.batches) {
      ctx.signal.throwIfAborted();
      for (const row of batch) {
        // The sequence number lets an upsert keep the last row of each key.
        lines.push(toJson(duckdbJsonRow(row, plan, rowsWritten++)));
        if (lines.length >= ROWS_PER_LOAD) await flush();
      }
    }
    await flush();
    await db.session.run('COMMIT');
    return { rowsWritten };
  } catch (error) {
    await db.session.run('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.close();
    await rm(staged, { force: true });
  }
}

/**
 * DuckDB database files as source and sink.
 *
 * @example
 * // config: { type: duckdb, path: warehouse.duckdb, table: analytics.daily_sales }
 */
export const duckdbConnector: Connector<DuckdbConfig> = {
  type: 'duckdb',
  description: 'DuckDB database files: streamed reads with incremental cursors; bulk append, overwrite and upsert',
  configSchema: duckdbConfigSchema,

  async test(ctx) {
    const config = parse(ctx);
    const db = await open(ctx, config, false);
    try {
      const row = await db.session.one('select 1 AS ok, version() AS v');
      return { ok: true, message: `opened ${path.resolve(ctx.baseDir, config.path)} (DuckDB ${String(row?.v ?? '')})` };
    } finally {
      db.close();
    }
  },

  async discover(ctx) {
    const config = parse(ctx);
    const db = await open(ctx, config, false);
    try {
      return await discoverDuckdb(db.session, config.schema);
    } finally {
      db.close();
    }
  },

  read: readDuckdb,
  write: writeDuckdb,
};
