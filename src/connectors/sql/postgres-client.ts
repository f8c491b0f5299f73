/**
 * Connections for the Postgres connector: the pool options from a config, and type parsers that
 * give plain JS values the way the engine does (BIGINT as a number when exact, timestamps
 * without time zone as UTC, dates as UTC midnight).
 */
import pg from 'pg';
import { ValidationError } from '../../core/errors.ts';
import { fromBigInt, parseUtcDate } from './sql-values.ts';

/** The connection part of a Postgres connector config. */
export interface PostgresConnectionConfig {
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean;
  pool_size: number;
  connect_timeout_ms: number;
}

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const;

function parseNumeric(text: string): number | string {
  // Integers past 2^53 stay exact as text; anything else becomes a JS number.
  if (/^-?\d+$/.test(text)) return fromBigInt(BigInt(text));
  return Number(text);
}

const PARSERS: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => fromBigInt(BigInt(text)),
  [OID.numeric]: parseNumeric,
  [OID.date]: (text) => parseUtcDate(text),
  [OID.timestamp]: (text) => parseUtcDate(text),
};

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (format !== 'binary' && PARSERS[oid]) || pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Pool options for a config. The session runs in UTC so timestamps compare and print the way the
 * connector writes them.
 */
export function postgresPoolConfig(config: PostgresConnectionConfig): pg.PoolConfig {
  if (config.url === undefined && config.host === undefined) throw new ValidationError('set config.url or config.host to reach PostgreSQL');
  const connection: pg.PoolConfig = config.url !== undefined
    ? { connectionString: config.url }
    : { host: config.host, port: config.port, user: config.user, password: config.password, database: config.database };
  return {
    ...connection,
    ...(config.url !== undefined && config.password !== undefined ? { password: config.password } : {}),
    ...(config.ssl ? { ssl: { rejectUnauthorized: true } } : {}),
    max: config.pool_size,
    connectionTimeoutMillis: config.connect_timeout_ms,
    application_name: 'datadog-platform',
    options: '-c TimeZone=UTC',
    types,
  };
}

/** A pool for one connector call; the caller ends it. Connection errors after use are not fatal. */
export function openPostgres(config: PostgresConnectionConfig): pg.Pool {
  const pool = new pg.Pool(postgresPoolConfig(config));
  // An idle client losing its connection would otherwise crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `use` with one client of a fresh pool, then ends the pool. */
export async function withPostgres<T>(config: PostgresConnectionConfig, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const pool = openPostgres(config);
  try {
    const client = await pool.connect();
    try {
      return await use(client);
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

/** Bind values as Postgres reads them: Dates as ISO instants rather than pg's local-time text. */
export function postgresBindValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}
