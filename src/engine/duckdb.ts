/**
 * DuckDB, the processing engine. One instance per platform (memory-limited, spilling to a temp
 * folder); each task opens its own session (connection). Sessions give rows as plain JSON-safe
 * objects and stream large results in bounded batches.
 */
import { mkdirSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { ColumnInfo, RecordBatch } from '../connectors/connector.ts';

export interface DuckDbOptions {
  /** Database file; `:memory:` (default) keeps tables in memory, spilling to tempDir. */
  path?: string;
  /** e.g. `2GB`; bounds the engine's memory (default: DUCKDB_MEMORY_LIMIT or 1GB). */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills when over its memory limit. */
  tempDir?: string;
}

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;

/** A DuckDB connection with helpers. Close it when the task ends. */
export class DuckSession {
  constructor(readonly connection: DuckDBConnection) {}

  /** Runs statements for their effect. */
  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Runs a query and returns every row as a plain object (see normaliseValue). */
  async all(sql: string, params?: SqlParams): Promise<RecordBatch> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map(normaliseRow);
  }

  /** First row of a query, or undefined. */
  async one(sql: string, params?: SqlParams): Promise<Record<string, unknown> | undefined> {
    return (await this.all(sql, params))[0];
  }

  /** Streams a query's rows in batches of about `batchSize` rows, with bounded memory. */
  async *stream(sql: string, batchSize = 10_000, params?: SqlParams): AsyncIterable<RecordBatch> {
    const result = await this.connection.stream(sql, params);
    let batch: RecordBatch = [];
    for await (const rows of result.yieldRowObjectJs()) {
      for (const row of rows) batch.push(normaliseRow(row));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Column names and DuckDB types of a query's result, without running it in full. */
  async describe(sql: string): Promise<ColumnInfo[]> {
    const rows = await this.all(`DESCRIBE ${sql}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type), nullable: r.null !== 'NO' }));
  }

  close(): void {
    this.connection.closeSync();
  }
}

/**
 * Plain JS values: BIGINT/HUGEINT as numbers when they fit exactly, else as strings; timestamps
 * and dates as Date; structs and lists as objects and arrays.
 */
export function normaliseValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(normaliseValue);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = normaliseValue(v);
  return out;
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(row)) row[key] = normaliseValue(row[key]);
  return row;
}

export class DuckDb {
  private constructor(private readonly instance: DuckDBInstance) {}

  static async create(options: DuckDbOptions = {}): Promise<DuckDb> {
    const config: Record<string, string> = {
      memory_limit: options.memoryLimit ?? process.env.DUCKDB_MEMORY_LIMIT ?? '1GB',
      // Extensions beyond the built-in parquet/json/icu cannot be downloaded here; fail fast instead of trying.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      // A partitioned COPY buffers each partition's rows up to this many before writing them
      // (DuckDB's default, 524,288, is more than most date partitions ever hold, so everything
      // waited to the end, beyond memory_limit: 1.0-1.2 GiB of RSS at ten million events against
      // 0.9 with one row group, DuckDB's row_group_size, here).
      partitioned_write_flush_threshold: '122880',
    };
    if (options.threads) config.threads = String(options.threads);
    if (options.tempDir) {
      mkdirSync(options.tempDir, { recursive: true });
      config.temp_directory = options.tempDir;
    }
    return new DuckDb(await DuckDBInstance.create(options.path ?? ':memory:', config));
  }

  /** Opens a session; the caller closes it. */
  async session(): Promise<DuckSession> {
    return new DuckSession(await this.instance.connect());
  }

  close(): void {
    this.instance.closeSync();
  }
}
