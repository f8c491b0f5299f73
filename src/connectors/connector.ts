/**
 * The connector seam: a plugin with a type name and a zod config schema that can test its
 * connection, discover schemas, read record batches and write them. Built-in connectors live
 * in sibling folders (file/, sql/, rest/, ...) and are registered at start; a project may
 * register its own with `registry.register(...)`.
 */
import { z } from 'zod';
import { PlatformError } from '../core/errors.ts';

/** A column of a discovered or written relation; `type` is a DuckDB type name (BIGINT, VARCHAR, ...). */
export interface ColumnInfo {
  name: string;
  type: string;
  nullable?: boolean;
}

/** A table, file or stream a connector can read, with its columns when known. */
export interface DiscoveredRelation {
  name: string;
  columns: ColumnInfo[];
}

/** Rows as plain objects; connectors stream them in bounded batches. */
export type RecordBatch = Array<Record<string, unknown>>;

export const WRITE_MODES = ['append', 'overwrite', 'upsert'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** Where a connector logs (task logs when it runs inside a task). */
export interface ConnectorLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * State a connector keeps between runs of the same task, such as an incremental cursor.
 * `set` is committed only when the task's outputs are published, so a failed run never moves
 * the cursor past rows it did not deliver.
 */
export interface ConnectorState {
  get<T = unknown>(): Promise<T | undefined>;
  set(value: unknown): Promise<void>;
}

/** The one readonly argument of every connector method. */
export interface ConnectorContext<Config> {
  /** The config, validated by `configSchema`, with `${env:NAME}` secret references resolved. */
  readonly config: Config;
  readonly signal: AbortSignal;
  readonly log: ConnectorLogger;
  /** Folder that relative paths in the config are resolved against (the spec's folder). */
  readonly baseDir: string;
  /** A scratch folder for this call, removed afterwards. */
  readonly tempDir: string;
  readonly state: ConnectorState;
  /** Run params, for parameterised queries and paths. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface WriteContext<Config> extends ConnectorContext<Config> {
  readonly batches: AsyncIterable<RecordBatch>;
  readonly mode: WriteMode;
  /** Key columns for `upsert`. */
  readonly keys?: readonly string[];
  /** Columns of the rows, in order (from the dataset being written). */
  readonly columns: readonly ColumnInfo[];
}

/** A DuckDB session, for connectors whose data DuckDB reads or writes natively. */
export interface DuckAccess {
  run(sql: string): Promise<void>;
  all(sql: string): Promise<RecordBatch>;
}

/** What `scan` returns: SQL that DuckDB runs to read the source, and where its rejects are. */
export interface ScanResult {
  /** A SELECT reading the source's rows. */
  sql: string;
  /**
   * A SELECT giving the rows that could not be parsed, with columns
   * `raw VARCHAR, reason VARCHAR, source VARCHAR` (file and line, or offset). Run after `sql`.
   */
  rejectsSql?: string;
  /**
   * Local files `sql` reads where they lie (not copies), so its rows can be kept as a view over
   * them (`materialize: view`). Left out when the scan reads copies (downloads, rewrites).
   */
  inPlaceFiles?: string[];
  /** How many rows `sql` yields, when the scan already knows (saves a count). */
  rows?: number;
  /**
   * Local zstd Parquet files, made by this scan, that hold exactly the rows of `sql` in order: a
   * source without an output contract takes them as its dataset's files instead of writing the
   * rows again. They belong to the scan until its cleanup.
   */
  parquetFiles?: string[];
  /** Why `inPlaceFiles` is left out, when the connector reads files (for the task's log). */
  notInPlace?: string;
  /** Called once the task no longer needs the scanned files. */
  cleanup?(): Promise<void>;
}

export interface ScanContext<Config> extends ConnectorContext<Config> {
  readonly duck: DuckAccess;
}

export interface CopyContext<Config> extends ConnectorContext<Config> {
  readonly duck: DuckAccess;
  /** A SELECT over the rows to write. */
  readonly sql: string;
  readonly mode: WriteMode;
  readonly keys?: readonly string[];
  readonly columns: readonly ColumnInfo[];
}

export interface Connector<Config = Record<string, unknown>> {
  /** The `type:` value in configs. */
  readonly type: string;
  readonly description: string;
  readonly configSchema: z.ZodType<Config>;
  /** Names of config fields that hold secrets: never logged or returned. */
  readonly secretFields?: readonly string[];
  /** Checks that the connector can reach its system with this config. */
  test(ctx: ConnectorContext<Config>): Promise<{ ok: true; message?: string }>;
  discover?(ctx: ConnectorContext<Config>): Promise<DiscoveredRelation[]>;
  /** Reads rows as batches of bounded size. */
  read?(ctx: ConnectorContext<Config>): AsyncIterable<RecordBatch>;
  /**
   * DuckDB types of the columns `read` yields, when the connector knows them (a generator, a
   * typed API): the rows are then loaded with this schema instead of inferring it.
   */
  columnTypes?(ctx: ConnectorContext<Config>): Record<string, string> | undefined;
  /** Fast path for sources DuckDB reads natively (files): preferred over `read` when present. */
  scan?(ctx: ScanContext<Config>): Promise<ScanResult>;
  /** Writes batches with append, overwrite or upsert by keys. */
  write?(ctx: WriteContext<Config>): Promise<{ rowsWritten: number }>;
  /** Fast path for sinks DuckDB writes natively (files): preferred over `write` when present. */
  copy?(ctx: CopyContext<Config>): Promise<{ rowsWritten: number }>;
}

/** What the API and CLI show of a connector type. */
export interface ConnectorInfo {
  type: string;
  description: string;
  capabilities: { read: boolean; write: boolean; discover: boolean };
  secretFields: string[];
  configSchema: unknown;
}

/** The connector types a platform knows. */
export class ConnectorRegistry {
  private readonly connectors = new Map<string, Connector<never>>();

  register<C>(connector: Connector<C>): this {
    if (this.connectors.has(connector.type)) throw new PlatformError('CONFLICT', `connector type '${connector.type}' is already registered`);
    this.connectors.set(connector.type, connector as unknown as Connector<never>);
    return this;
  }

  get(type: string): Connector<Record<string, unknown>> | undefined {
    return this.connectors.get(type) as Connector<Record<string, unknown>> | undefined;
  }

  list(): ConnectorInfo[] {
    return [...this.connectors.values()]
      .map((c) => {
        let configSchema: unknown = {};
        try {
          configSchema = z.toJSONSchema(c.configSchema, { unrepresentable: 'any', io: 'input' });
        } catch {
          configSchema = {};
        }
        return {
          type: c.type,
          description: c.description,
          capabilities: { read: Boolean(c.read ?? c.scan), write: Boolean(c.write ?? c.copy), discover: Boolean(c.discover) },
          secretFields: [...(c.secretFields ?? [])],
          configSchema,
        };
      })
      .sort((a, b) => a.type.localeCompare(b.type));
  }
}
