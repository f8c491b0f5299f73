/**
 * Dataset columns carry DuckDB type names (BIGINT, DECIMAL(10,2), STRUCT(a INTEGER), ...). The
 * SQL connectors reduce them to a handful of kinds, since that is all a target database's DDL
 * and value conversion need to know.
 */

/** The kinds of column the SQL connectors tell apart. */
export const DUCK_TYPE_KINDS = [
  'bigint',
  'integer',
  'smallint',
  'hugeint',
  'double',
  'float',
  'decimal',
  'varchar',
  'boolean',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'nested',
  'uuid',
  'blob',
  'other',
] as const;
export type DuckTypeKind = (typeof DUCK_TYPE_KINDS)[number];

/** A DuckDB type reduced to its kind; `precision`/`scale` are set for DECIMAL. */
export interface DuckType {
  kind: DuckTypeKind;
  precision?: number;
  scale?: number;
}

const SIMPLE: Record<string, DuckTypeKind> = {
  BIGINT: 'bigint',
  INT8: 'bigint',
  LONG: 'bigint',
  UINTEGER: 'bigint',
  INTEGER: 'integer',
  INT: 'integer',
  INT4: 'integer',
  SIGNED: 'integer',
  USMALLINT: 'integer',
  SMALLINT: 'smallint',
  INT2: 'smallint',
  SHORT: 'smallint',
  TINYINT: 'smallint',
  INT1: 'smallint',
  UTINYINT: 'smallint',
  HUGEINT: 'hugeint',
  UHUGEINT: 'hugeint',
  UBIGINT: 'hugeint',
  DOUBLE: 'double',
  FLOAT8: 'double',
  FLOAT: 'float',
  FLOAT4: 'float',
  REAL: 'float',
  VARCHAR: 'varchar',
  TEXT: 'varchar',
  STRING: 'varchar',
  CHAR: 'varchar',
  BPCHAR: 'varchar',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  LOGICAL: 'boolean',
  DATE: 'date',
  TIME: 'time',
  'TIME WITH TIME ZONE': 'time',
  TIMETZ: 'time',
  TIMESTAMP: 'timestamp',
  DATETIME: 'timestamp',
  TIMESTAMP_S: 'timestamp',
  TIMESTAMP_MS: 'timestamp',
  TIMESTAMP_NS: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  TIMESTAMPTZ: 'timestamptz',
  JSON: 'json',
  UUID: 'uuid',
  BLOB: 'blob',
  BYTEA: 'blob',
  VARBINARY: 'blob',
  BINARY: 'blob',
};

/**
 * Reduces a DuckDB type name to its kind. Lists, arrays, structs, maps and unions are `nested`
 * (stored as JSON by databases without such types); anything unknown is `other` (stored as text).
 *
 * @example
 * parseDuckType('DECIMAL(12,2)') // { kind: 'decimal', precision: 12, scale: 2 }
 * parseDuckType('STRUCT(a INTEGER)[]') // { kind: 'nested' }
 */
export function parseDuckType(type: string): DuckType {
  const t = type.trim().toUpperCase().replace(/\s+/g, ' ');
  if (/\[\d*\]$/.test(t) || /^(STRUCT|MAP|LIST|UNION|ARRAY)\b/.test(t)) return { kind: 'nested' };
  const decimal = /^(?:DECIMAL|NUMERIC)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (decimal) {
    // DuckDB's own default for a bare DECIMAL is (18,3).
    return { kind: 'decimal', precision: decimal[1] ? Number(decimal[1]) : 18, scale: decimal[2] ? Number(decimal[2]) : decimal[1] ? 0 : 3 };
  }
  if (/^(VARCHAR|CHAR|BPCHAR|TEXT|STRING)\s*\(\s*\d+\s*\)$/.test(t) || t.startsWith('ENUM(')) return { kind: 'varchar' };
  return { kind: SIMPLE[t] ?? 'other' };
}
