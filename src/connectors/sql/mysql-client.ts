/**
 * Connections and catalog queries for the MySQL/MariaDB connector. Sessions run in UTC and use
 * utf8mb4; values come back as plain JS values (BIGINT as a number when exact, DECIMAL as a
 * number, TINYINT(1) as a boolean, JSON parsed, also MariaDB's JSON-as-LONGTEXT columns).
 */
import mysql, { type TypeCast } from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';
import { ValidationError } from '../../core/errors.ts';
import type { DiscoveredRelation } from '../connector.ts';
import { mysqlDialect, type TableRef } from './sql-dialect.ts';
import { formatTimestamp, toJson } from './sql-values.ts';

/** The connection part of a MySQL connector config. */
export interface MysqlConnectionConfig {
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean;
  connect_timeout_ms: number;
}

// BOOLEAN columns are TINYINT(1) in MySQL and MariaDB; give them back as booleans.
const typeCast: TypeCast = (field, next) => {
  if (field.type === 'TINY' && field.length === 1) {
    const text = field.string();
    return text === null ? null : text !== '0';
  }
  return next();
};

/** One connection: `core` for streaming, `db` for promise-style queries on the same socket. */
export interface MysqlConnection {
  core: mysql.Connection;
  db: PromiseConnection;
}

/** Opens one connection, set to UTC so DATETIME values mean UTC instants. */
export async function connectMysql(config: MysqlConnectionConfig): Promise<MysqlConnection> {
  if (config.url === undefined && config.host === undefined) throw new ValidationError('set config.url or config.host to reach MySQL');
  const core = mysql.createConnection({
    ...(config.url !== undefined ? { uri: config.url } : { host: config.host, port: config.port, user: config.user, database: config.database }),
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.ssl ? { ssl: { rejectUnauthorized: true } } : {}),
    charset: 'utf8mb4',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: true,
    connectTimeout: config.connect_timeout_ms,
    typeCast,
  });
  // A dropped connection is reported by the pending query; without a listener it would crash the process.
  core.on('error', () => undefined);
  const db = core.promise();
  try {
    await db.query("SET time_zone = '+00:00'");
  } catch (error) {
    core.destroy();
    throw error;
  }
  return { core, db };
}

/** Bind values as MySQL reads them: Dates as UTC DATETIME text, objects as JSON. */
export function mysqlBindValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return formatTimestamp(value);
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return toJson(value);
  return value;
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  column_type: string;
  is_nullable: string;
}

async function columnsOf(connection: PromiseConnection, schema: string | undefined, table?: string): Promise<ColumnRow[]> {
  const [rows] = await connection.execute(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND (? IS NULL OR TABLE_NAME = ?)
      ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema ?? null, table ?? null, table ?? null],
  );
  return rows as ColumnRow[];
}

/** `table.column` of MariaDB JSON columns, which it stores as LONGTEXT with a json_valid check. */
async function jsonColumns(connection: PromiseConnection, schema: string | undefined): Promise<Set<string>> {
  try {
    const [rows] = await connection.execute(
      'SELECT TABLE_NAME AS table_name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE())',
      [schema ?? null],
    );
    const found = new Set<string>();
    for (const row of rows as Array<{ table_name: string; clause: string }>) {
      const match = /json_valid\(`((?:[^`]|``)+)`\)/i.exec(row.clause);
      if (match) found.add(`${row.table_name}.${(match[1] as string).replaceAll('``', '`')}`);
    }
    return found;
  } catch {
    // MySQL's CHECK_CONSTRAINTS has no TABLE_NAME, and MySQL reports JSON columns as json anyway.
    return new Set();
  }
}

/** Tables of the connection's database (or `schema`) with their columns. */
export async function discoverMysql(connection: PromiseConnection, schema?: string): Promise<DiscoveredRelation[]> {
  const json = await jsonColumns(connection, schema);
  const relations = new Map<string, DiscoveredRelation>();
  for (const row of await columnsOf(connection, schema)) {
    let relation = relations.get(row.table_name);
    if (!relation) relations.set(row.table_name, (relation = { name: row.table_name, columns: [] }));
    const native = json.has(`${row.table_name}.${row.column_name}`) ? 'json' : row.column_type;
    relation.columns.push({ name: row.column_name, type: mysqlDialect.duckType(native), nullable: row.is_nullable === 'YES' });
  }
  return [...relations.values()];
}

/** Column names of a table, in order; empty when it does not exist. */
export async function mysqlTableColumns(connection: PromiseConnection, target: TableRef): Promise<string[]> {
  return (await columnsOf(connection, target.schema, target.table)).map((r) => r.column_name);
}

/** Column sets of the table's primary key and unique indexes. */
export async function mysqlUniqueKeys(connection: PromiseConnection, target: TableRef): Promise<string[][]> {
  const [rows] = await connection.execute(
    `SELECT INDEX_NAME AS index_name, COLUMN_NAME AS column_name
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [target.schema ?? null, target.table],
  );
  const keys = new Map<string, string[]>();
  for (const row of rows as Array<{ index_name: string; column_name: string }>) {
    keys.set(row.index_name, [...(keys.get(row.index_name) ?? []), row.column_name]);
  }
  return [...keys.values()];
}
