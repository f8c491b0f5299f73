/**
 * The real services integration tests talk to (see shared/SERVICES.md), and how a test file
 * isolates itself on them. When CI=true a missing service fails the tests; elsewhere the tests
 * that need it are skipped with a notice.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { it } from 'vitest';

/** True on CI, where a missing service is a failure, not a skip. */
export const IS_CI = process.env.CI === 'true';

/** Redis for the distributed executor's tests (use your own key prefix or DB number). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers a PING within `timeoutMs`. */
export async function isRedisReachable(timeoutMs = 2000): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: timeoutMs });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** The Postgres database tests connect to in order to create and drop their own databases. */
export function postgresAdminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Whether Postgres accepts a connection and a query within `timeoutMs`. */
export async function isPostgresReachable(timeoutMs = 3000): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: timeoutMs });
  // A refused or reset connection is reported here too; the answer comes from connect/query.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A database of its own for one test file; `drop()` removes it (and ends its connections). */
export interface TestPostgresDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database named `<prefix>_<random>` so test files running at once never see
 * each other's data.
 *
 * @example
 * const db = await createTestPostgresDatabase('dd_test_store');
 * afterAll(() => db.drop());
 */
export async function createTestPostgresDatabase(prefix: string): Promise<TestPostgresDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a usable database name: ${name}`);
  await withAdmin((client) => client.query(`create database ${pg.escapeIdentifier(name)}`));
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin((client) => client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)).then(() => undefined),
  };
}

/**
 * Call at the top of a test file (with the result of a reachability check): returns true when
 * the file's suites should be skipped. On CI it registers a failing test instead, so a missing
 * service can never pass unnoticed.
 *
 * @example
 * const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());
 * describe.skipIf(skip)('postgres store', () => { ... });
 */
export function skipWithoutService(service: string, reachable: boolean): boolean {
  if (reachable) return false;
  const message = `${service} is not reachable (start it with ../shared/ensure-services.sh)`;
  if (IS_CI) {
    it(`needs ${service}`, () => {
      throw new Error(`${message}; CI=true, so this fails instead of skipping`);
    });
    return true;
  }
  console.warn(`skipping tests that need ${service}: ${message}`);
  return true;
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  client.on('error', () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
