/**
 * Value conversion between dataset rows and SQL databases. Dates and times are always UTC:
 * a TIMESTAMP (without time zone) holds the UTC wall time of the instant, the way DuckDB gives
 * it to JS, so a value reads back as the Date that was written.
 */
import type { DuckTypeKind } from './duck-type.ts';
import type { SqlDialectName } from './sql-dialect.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-01-31` of a Date, in UTC. */
export function formatDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `2026-01-31 23:59:59.123` of a Date, in UTC: accepted by every database here. */
export function formatTimestamp(d: Date): string {
  return `${formatDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** JSON.stringify that writes bigints as numbers' text instead of throwing. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function isJsonText(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of a JSON column's value. A string is taken as JSON text when it parses (DuckDB hands
 * JSON columns over as text), otherwise as a JSON string.
 */
export function jsonText(value: unknown): string {
  if (typeof value === 'string') return isJsonText(value) ? value : JSON.stringify(value);
  return toJson(value);
}

/** The JS value to bind or load for a dataset value in a column of this kind. */
export function toDbValue(value: unknown, kind: DuckTypeKind, dialect: SqlDialectName): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'json':
    case 'nested':
      return jsonText(value);
    case 'boolean':
      if (dialect === 'sqlite' && typeof value === 'boolean') return value ? 1 : 0;
      return value;
    case 'date':
      return value instanceof Date ? formatDate(value) : value;
    case 'timestamp':
      return value instanceof Date ? formatTimestamp(value) : value;
    case 'timestamptz':
      // MySQL's DATETIME takes no offset; its columns hold UTC by this connector's convention.
      if (value instanceof Date) return dialect === 'mysql' ? formatTimestamp(value) : value.toISOString();
      return value;
    case 'blob':
      return value;
    default:
      if (typeof value === 'bigint') return dialect === 'sqlite' ? value : value.toString();
      if (value instanceof Date) return value.toISOString();
      if (typeof value === 'object' && !(value instanceof Uint8Array)) return toJson(value);
      return value;
  }
}

/** Parses stored text as UTC: `2026-01-31 10:00:00` and `2026-01-31` both give a UTC Date. */
export function parseUtcDate(text: string): Date | string {
  const iso = text.includes(' ') && !text.includes('T') ? text.replace(' ', 'T') : text;
  const withZone = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? text : date;
}

/** A 64-bit integer as a JS number when it fits exactly, else as its text (as the engine does). */
export function fromBigInt(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

/**
 * Turns a value stored without a native type (SQLite) back into the dataset's JS value, by the
 * column's declared kind: 0/1 to booleans, JSON text to objects, date text to Date.
 */
export function fromStoredValue(value: unknown, kind: DuckTypeKind): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') value = fromBigInt(value);
  switch (kind) {
    case 'boolean':
      return typeof value === 'number' ? value !== 0 : value;
    case 'json':
    case 'nested':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return typeof value === 'string' ? parseUtcDate(value) : value;
    default:
      return value;
  }
}
