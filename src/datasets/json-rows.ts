/**
 * Dataset rows as JSON carries them. Rows read through DuckDB hold Dates, nested objects,
 * bigints that did not fit a number, and byte arrays; the API and `--json` output must give
 * the same values whichever side produced them, so both convert here.
 */
import type { RecordBatch } from '../connectors/connector.ts';

/**
 * One value made JSON-safe: Dates as ISO strings, bigints as decimal strings, bytes as base64,
 * non-finite numbers as strings ("NaN", "Infinity"), nested objects and lists recursively.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  // JSON.stringify would turn these into null, losing that they were not missing.
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), toJsonValue(v)]));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  if (typeof value === 'function' || typeof value === 'symbol') return null;
  return value;
}

/**
 * Rows with every value made JSON-safe (see `toJsonValue`).
 * @example
 * toJsonRows([{ at: new Date(0), big: 2n ** 64n }]) // [{ at: '1970-01-01T00:00:00.000Z', big: '18446744073709551616' }]
 */
export function toJsonRows(rows: RecordBatch): RecordBatch {
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJsonValue(v)])));
}
