/**
 * The one place DuckDB SQL identifiers and literals are quoted. Values that come from users
 * (column names, file paths, strings in filters) reach SQL only through these helpers.
 */
import { ValidationError } from '../core/errors.ts';

/** Quotes an identifier: `order id` gives `"order id"`, with inner quotes doubled. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new ValidationError('an identifier cannot be empty');
  if (name.includes('\u0000')) throw new ValidationError(`identifier contains a NUL byte: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a dotted name (`schema.table`) part by part. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** Quotes a string literal: `it's` gives `'it''s'`. */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new ValidationError(`string contains a NUL byte: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Renders a JS value as a DuckDB literal (strings quoted, null as NULL, arrays as lists). */
export function sqlValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return quoteLiteral(value);
  if (value instanceof Date) return `TIMESTAMP ${quoteLiteral(value.toISOString())}`;
  if (Array.isArray(value)) return `[${value.map(sqlValue).join(', ')}]`;
  return quoteLiteral(JSON.stringify(value));
}

/** A table or dataset name safe to use as a bare name: letters, digits, `_`, `.`, `-`. */
export const SAFE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** Checks a user-given table or dataset name; `x; drop table y` is refused, never SQL. */
export function assertSafeName(name: string, what = 'name'): string {
  if (!SAFE_NAME_PATTERN.test(name)) {
    throw new ValidationError(`invalid ${what} ${JSON.stringify(name)}: use letters, digits, _ . or - (starting with a letter or _)`);
  }
  return name;
}
