/**
 * The shape of one store migration. Kysely's `Migration` does not say which dialect it runs
 * on, and our column types differ (`bigserial` or `integer ... autoincrement`, `jsonb` or
 * `text`, `timestamptz` or `text`), so each migration receives the dialect with the database.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';

/** One versioned schema change; `down` undoes `up`. */
export interface StoreMigration {
  // The schema changes as migrations run, so a migration cannot use the current `Database` type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: StoreDialect): Promise<void>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  down?(db: Kysely<any>, dialect: StoreDialect): Promise<void>;
}

/** Column types that differ between the dialects. */
export interface ColumnTypes {
  timestamp: 'timestamptz' | 'text';
  json: 'jsonb' | 'text';
  boolean: 'boolean' | 'integer';
  /** Literal for a false default: Postgres will not take `0` for a boolean. */
  falseDefault: boolean | number;
}

/** The column types of a dialect. */
export function columnTypes(dialect: StoreDialect): ColumnTypes {
  return dialect === 'postgres'
    ? { timestamp: 'timestamptz', json: 'jsonb', boolean: 'boolean', falseDefault: false }
    : { timestamp: 'text', json: 'text', boolean: 'integer', falseDefault: 0 };
}
