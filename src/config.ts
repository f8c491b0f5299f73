/**
 * Platform configuration, from options with environment fallbacks. Everything has an
 * embedded default: SQLite under ./.datadog, the local executor, port 8000 on loopback.
 */
import path from 'node:path';

export interface PlatformConfig {
  /** Folder for the SQLite store, datasets and other local state (DATADOG_HOME). */
  home: string;
  /** Postgres URL for the metadata store (DATABASE_URL); SQLite in `home` when absent. */
  databaseUrl?: string;
  /**
   * Whether the Postgres store may use prepared statements (DATADOG_PG_PREPARED_STATEMENTS,
   * default true); false behind a pooler that cannot keep them, such as PgBouncer in transaction mode.
   */
  pgPreparedStatements: boolean;
  /** Most tasks running at once in this process (DATADOG_CONCURRENCY). */
  concurrency: number;
  /** Sizes of named task pools. */
  pools: Record<string, number>;
  /** Where dataset files live: a folder or `s3://bucket/prefix` (DATADOG_STORAGE_URL); default `${home}/data`. */
  storageUrl?: string;
  /** DuckDB's memory limit, e.g. `2GB` (DUCKDB_MEMORY_LIMIT); DuckDB spills to disk beyond it. */
  duckdbMemoryLimit: string;
  /** Connector plugin packages to load and register (DATADOG_PLUGINS, comma-separated). */
  plugins: string[];
  /** Where tasks run: in this process (`local`) or on `datadog worker` processes (`distributed`, DATADOG_EXECUTOR). */
  executorKind: 'local' | 'distributed';
  /** Redis for the distributed executor (REDIS_URL). */
  redisUrl: string;
  /** Prefix of the distributed executor's queues and channels (DATADOG_QUEUE_PREFIX). */
  queuePrefix: string;
  /** How long a run's lease lasts without renewal (DATADOG_LEASE_MS): a stopped server's runs are resumed after it. */
  leaseMs: number;
  logLevel: string;
  host: string;
  port: number;
}

export type PlatformConfigInput = Partial<PlatformConfig>;

/** Fills in a config from the environment and defaults. */
export function resolveConfig(input: PlatformConfigInput = {}, env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const config: PlatformConfig = {
    home: path.resolve(input.home ?? env.DATADOG_HOME ?? '.datadog'),
    concurrency: input.concurrency ?? (Number(env.DATADOG_CONCURRENCY) || 16),
    pools: input.pools ?? {},
    duckdbMemoryLimit: input.duckdbMemoryLimit ?? env.DUCKDB_MEMORY_LIMIT ?? '1GB',
    plugins: input.plugins ?? (env.DATADOG_PLUGINS ? env.DATADOG_PLUGINS.split(',').map((p) => p.trim()).filter(Boolean) : []),
    executorKind: input.executorKind ?? (env.DATADOG_EXECUTOR === 'distributed' ? 'distributed' : 'local'),
    redisUrl: input.redisUrl ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: input.queuePrefix ?? env.DATADOG_QUEUE_PREFIX ?? 'datadog',
    leaseMs: input.leaseMs ?? (Number(env.DATADOG_LEASE_MS) || 30_000),
    logLevel: input.logLevel ?? env.LOG_LEVEL ?? 'info',
    host: input.host ?? env.HOST ?? '127.0.0.1',
    port: input.port ?? (env.PORT ? Number(env.PORT) : 8000),
    pgPreparedStatements: input.pgPreparedStatements ?? !/^(false|0|no|off)$/i.test(env.DATADOG_PG_PREPARED_STATEMENTS ?? ''),
  };
  const storageUrl = input.storageUrl ?? env.DATADOG_STORAGE_URL;
  if (storageUrl) config.storageUrl = storageUrl;
  const databaseUrl = input.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl) config.databaseUrl = databaseUrl;
  return config;
}
