/**
 * Column types guessed from sample records, for `discover` on APIs that publish no schema.
 */
import type { ColumnInfo } from '../connector.ts';

function typeOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isInteger(value) ? 'BIGINT' : 'DOUBLE';
  if (typeof value === 'string') return 'VARCHAR';
  return 'JSON';
}

function merge(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || a === b) return b ?? a;
  if (b === undefined) return a;
  if ((a === 'BIGINT' && b === 'DOUBLE') || (a === 'DOUBLE' && b === 'BIGINT')) return 'DOUBLE';
  // Mixed kinds: JSON keeps every value as it was.
  return 'JSON';
}

/** Columns in first-seen order; a column only ever null becomes VARCHAR. */
export function inferColumns(records: ReadonlyArray<Record<string, unknown>>): ColumnInfo[] {
  const types = new Map<string, string | undefined>();
  const nullable = new Set<string>();
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      if (value === null || value === undefined) nullable.add(name);
      types.set(name, merge(types.get(name), typeOf(value)));
    }
    for (const name of types.keys()) if (!(name in record)) nullable.add(name);
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? 'VARCHAR', nullable: nullable.has(name) }));
}
