/**
 * What differs between the SQL databases the connectors talk to: identifier quoting, bind
 * placeholders, and the mapping between dataset (DuckDB) column types and each database's own.
 * Every identifier that reaches connector SQL goes through `quoteIdent` of its dialect.
 */
import { ValidationError } from '../../core/errors.ts';
import { parseDuckType, type DuckTypeKind } from './duck-type.ts';

/** The SQL databases the built-in connectors speak. */
export const SQL_DIALECT_NAMES = ['postgres', 'mysql', 'sqlite', 'duckdb'] as const;
export type SqlDialectName = (typeof SQL_DIALECT_NAMES)[number];

/** A table, optionally in a schema (a database in MySQL, an attached database in SQLite). */
export interface TableRef {
  schema?: string;
  table: string;
}

/** The per-database bits of connector SQL; one instance per database below. */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** Quotes one identifier; inner quote characters are doubled. */
  quoteIdent(name: string): string;
  /** Quotes `schema.table` part by part. */
  qualify(ref: TableRef): string;
  /** The bind placeholder of the `index`-th parameter, counting from 1. */
  placeholder(index: number): string;
  /** The column type to create for a dataset column; `key` when the column is in a primary key. */
  ddlType(duckType: string, options?: { key?: boolean }): string;
  /** The dataset (DuckDB) type of a column the database reports, for `discover`. */
  duckType(nativeType: string): string;
}

function quoteWith(quote: string) {
  return (name: string): string => {
    if (name.length === 0) throw new ValidationError('an identifier cannot be empty');
    if (name.includes('\u0000')) throw new ValidationError(`identifier contains a NUL byte: ${JSON.stringify(name)}`);
    return `${quote}${name.replaceAll(quote, quote + quote)}${quote}`;
  };
}

function dialect(
  name: SqlDialectName,
  quote: string,
  placeholder: (index: number) => string,
  ddlType: SqlDialect['ddlType'],
  duckType: SqlDialect['duckType'],
): SqlDialect {
  const quoteIdent = quoteWith(quote);
  return {
    name,
    quoteIdent,
    qualify: (ref) => (ref.schema ? `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}` : quoteIdent(ref.table)),
    placeholder,
    ddlType,
    duckType,
  };
}

/** Fixed DDL per kind; `decimal` is rendered with its precision and scale by the caller. */
function ddlFrom(table: Record<DuckTypeKind, string>, decimal: (p: number, s: number) => string, keyed?: Partial<Record<DuckTypeKind, string>>): SqlDialect['ddlType'] {
  return (duckType, options) => {
    const type = parseDuckType(duckType);
    if (type.kind === 'decimal') return decimal(type.precision ?? 18, type.scale ?? 3);
    return (options?.key ? keyed?.[type.kind] : undefined) ?? table[type.kind];
  };
}

const stripModifiers = (t: string) => t.replace(/\(\s*\d+\s*\)/g, '').replace(/\s+/g, ' ').trim();
const decimalOrDouble = (p: number, s: number) => (p <= 38 ? `DECIMAL(${p},${s})` : 'DOUBLE');

const PG_TYPES: Record<string, string> = {
  bigint: 'BIGINT',
  int8: 'BIGINT',
  integer: 'INTEGER',
  int4: 'INTEGER',
  smallint: 'SMALLINT',
  int2: 'SMALLINT',
  numeric: 'DOUBLE',
  'double precision': 'DOUBLE',
  float8: 'DOUBLE',
  real: 'FLOAT',
  float4: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  'timestamp without time zone': 'TIMESTAMP',
  timestamp: 'TIMESTAMP',
  'timestamp with time zone': 'TIMESTAMP WITH TIME ZONE',
  timestamptz: 'TIMESTAMP WITH TIME ZONE',
  'time without time zone': 'TIME',
  'time with time zone': 'TIME',
  json: 'JSON',
  jsonb: 'JSON',
  uuid: 'UUID',
  bytea: 'BLOB',
};

/** PostgreSQL: `"ident"`, `$1`, jsonb for JSON and nested types. */
export const postgresDialect = dialect(
  'postgres',
  '"',
  (i) => `$${i}`,
  ddlFrom(
    {
      bigint: 'bigint', integer: 'integer', smallint: 'smallint', hugeint: 'numeric(38,0)', double: 'double precision', float: 'real', decimal: 'numeric',
      varchar: 'text', boolean: 'boolean', date: 'date', time: 'time', timestamp: 'timestamp', timestamptz: 'timestamptz', json: 'jsonb', nested: 'jsonb',
      uuid: 'uuid', blob: 'bytea', other: 'text',
    },
    (p, s) => `numeric(${p},${s})`,
  ),
  (native) => {
    const t = native.trim().toLowerCase();
    if (t.endsWith('[]') || t === 'array') return 'JSON';
    const dec = /^numeric\((\d+),\s*(\d+)\)$/.exec(t);
    if (dec) return decimalOrDouble(Number(dec[1]), Number(dec[2]));
    return PG_TYPES[stripModifiers(t)] ?? 'VARCHAR';
  },
);

const MYSQL_TYPES: Record<string, string> = {
  bigint: 'BIGINT',
  'bigint unsigned': 'UBIGINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  mediumint: 'INTEGER',
  'int unsigned': 'BIGINT',
  'mediumint unsigned': 'INTEGER',
  smallint: 'SMALLINT',
  'smallint unsigned': 'INTEGER',
  tinyint: 'TINYINT',
  'tinyint unsigned': 'SMALLINT',
  year: 'INTEGER',
  double: 'DOUBLE',
  real: 'DOUBLE',
  float: 'FLOAT',
  date: 'DATE',
  datetime: 'TIMESTAMP',
  // The connector's session runs in UTC, so TIMESTAMP values arrive as UTC instants.
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  time: 'TIME',
  json: 'JSON',
  blob: 'BLOB',
  tinyblob: 'BLOB',
  mediumblob: 'BLOB',
  longblob: 'BLOB',
  binary: 'BLOB',
  varbinary: 'BLOB',
};

/** MySQL and MariaDB: `` `ident` ``, `?`, DATETIME(6) in UTC for timestamps, VARCHAR(255) for text keys. */
export const mysqlDialect = dialect(
  'mysql',
  '`',
  () => '?',
  ddlFrom(
    {
      bigint: 'BIGINT', integer: 'INT', smallint: 'SMALLINT', hugeint: 'DECIMAL(38,0)', double: 'DOUBLE', float: 'FLOAT', decimal: 'DECIMAL',
      varchar: 'LONGTEXT', boolean: 'BOOLEAN', date: 'DATE', time: 'TIME(6)', timestamp: 'DATETIME(6)', timestamptz: 'DATETIME(6)', json: 'JSON',
      nested: 'JSON', uuid: 'CHAR(36)', blob: 'LONGBLOB', other: 'LONGTEXT',
    },
    (p, s) => `DECIMAL(${p},${s})`,
    // MySQL cannot index a whole TEXT/BLOB column, so key columns get a bounded type.
    { varchar: 'VARCHAR(255)', other: 'VARCHAR(255)', blob: 'VARBINARY(255)' },
  ),
  (native) => {
    const t = native.trim().toLowerCase();
    if (/^(tinyint|bit)\(1\)/.test(t)) return 'BOOLEAN';
    const dec = /^(?:decimal|numeric)\((\d+),\s*(\d+)\)/.exec(t);
    if (dec) return decimalOrDouble(Number(dec[1]), Number(dec[2]));
    if (/^(var)?char|text$|^enum|^set\(/.test(t)) return 'VARCHAR';
    return MYSQL_TYPES[stripModifiers(t.replace(/\(.*?\)/g, '').replace(/\s+zerofill$/, ''))] ?? 'VARCHAR';
  },
);

const SQLITE_NAMED: Record<string, string> = {
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP WITH TIME ZONE',
  JSON: 'JSON',
  UUID: 'UUID',
};

/**
 * SQLite: `"ident"`, `?`. Declared types keep the dataset's meaning (BOOLEAN, DATE, JSON, ...)
 * so `read` can turn the stored values back into booleans, dates and objects.
 */
export const sqliteDialect = dialect(
  'sqlite',
  '"',
  () => '?',
  ddlFrom(
    {
      // A big integer stored in an INTEGER column would become a lossy REAL, so HUGEINT is text.
      bigint: 'INTEGER', integer: 'INTEGER', smallint: 'INTEGER', hugeint: 'TEXT', double: 'REAL', float: 'REAL', decimal: 'NUMERIC',
      varchar: 'TEXT', boolean: 'BOOLEAN', date: 'DATE', time: 'TIME', timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMPTZ', json: 'JSON', nested: 'JSON',
      uuid: 'TEXT', blob: 'BLOB', other: 'TEXT',
    },
    (p, s) => `DECIMAL(${p},${s})`,
  ),
  (native) => {
    const t = native.trim().toUpperCase().replace(/\s+/g, ' ');
    if (t === '') return 'VARCHAR';
    const named = SQLITE_NAMED[t];
    if (named) return named;
    const dec = /^(?:DECIMAL|NUMERIC)\((\d+),\s*(\d+)\)$/.exec(t);
    if (dec) return decimalOrDouble(Number(dec[1]), Number(dec[2]));
    // SQLite's own affinity rules, in its order.
    if (t.includes('INT')) return 'BIGINT';
    if (/CHAR|CLOB|TEXT/.test(t)) return 'VARCHAR';
    if (t.includes('BLOB')) return 'BLOB';
    return 'DOUBLE';
  },
);

/** DuckDB type names that are safe to put into DDL as they are. */
const DUCK_TYPE_TEXT = /^[A-Za-z0-9_ ,()."[\]]+$/;

/** DuckDB: its own types on both sides; type names are checked before they reach DDL. */
export const duckdbDialect = dialect(
  'duckdb',
  '"',
  (i) => `$${i}`,
  (duckType) => {
    if (!DUCK_TYPE_TEXT.test(duckType) || duckType.includes('--')) throw new ValidationError(`not a DuckDB column type: ${JSON.stringify(duckType)}`);
    return duckType;
  },
  (native) => native.trim(),
);
