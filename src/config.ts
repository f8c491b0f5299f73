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
  /** Most tasks running at once in this process (DATADOG_CONCURRENCY). */
  concurrency: number;
  /** Sizes of named task pools. */
  pools: Record<string, number>;
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
    logLevel: input.logLevel ?? env.LOG_LEVEL ?? 'info',
    host: input.host ?? env.HOST ?? '127.0.0.1',
    port: input.port ?? (env.PORT ? Number(env.PORT) : 8000),
  };
  const databaseUrl = input.databaseUrl ?? env.DATABASE_URL;
  if (databaseUrl) config.databaseUrl = databaseUrl;
  return config;
}
