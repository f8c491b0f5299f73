/**
 * MariaDB/MySQL for integration tests (see shared/SERVICES.md): a reachability check and a
 * database of its own per test file, so files running at once never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The server tests connect to in order to create and drop their own databases. */
export function mysqlAdminUrl(): string {
  return process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
}

async function withAdmin<T>(use: (connection: mysql.Connection) => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const connection = await mysql.createConnection({ uri: mysqlAdminUrl(), connectTimeout: timeoutMs });
  try {
    return await use(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/** Whether MySQL/MariaDB accepts a connection and a query within `timeoutMs`. */
export async function isMysqlReachable(timeoutMs = 3000): Promise<boolean> {
  try {
    await withAdmin((c) => c.query('select 1'), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/** A database of its own for one test file; `url` points at it, `drop()` removes it. */
export interface TestMysqlDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database named `<prefix>_<random>`.
 *
 * @example
 * const db = await createTestMysqlDatabase('dd_test_mysql');
 * afterAll(() => db.drop());
 */
export async function createTestMysqlDatabase(prefix: string): Promise<TestMysqlDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]{0,63}$/.test(name)) throw new Error(`not a usable database name: ${name}`);
  await withAdmin((c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  const url = new URL(mysqlAdminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``)).then(() => undefined),
  };
}
