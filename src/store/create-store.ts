/**
 * Picks the metadata store from configuration: Postgres for a `postgres://` URL, otherwise the
 * embedded SQLite file in the platform's home folder.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../core/errors.ts';
import { createPostgresStore } from './postgres/postgres-store.ts';
import { createSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface CreateStoreOptions {
  /**
   * `postgres://...` or `postgresql://...` for Postgres; `sqlite:<path>`, `sqlite:///abs/path`,
   * `sqlite::memory:`, a `file:` URL or a plain path for SQLite; empty for `${home}/metadata.db`.
   */
  databaseUrl?: string;
  /** The platform's home folder (`.datadog`), where the default SQLite file lives. */
  home: string;
  /** Pool size for Postgres. */
  poolSize?: number;
  /** Whether Postgres may use prepared statements (default true; see PostgresStoreOptions). */
  preparedStatements?: boolean;
}

/**
 * Creates the store named by the options. It is not migrated: the caller calls `migrate()`.
 *
 * @example
 * const store = createStore({ databaseUrl: process.env.DATABASE_URL, home: '.datadog' });
 * const report = await store.migrate();
 */
export function createStore(options: CreateStoreOptions): Store {
  const url = options.databaseUrl?.trim();
  if (!url) return createSqliteStore({ path: join(options.home, 'metadata.db') });
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return createPostgresStore({
      connectionString: url,
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      ...(options.preparedStatements === false ? { preparedStatements: false } : {}),
    });
  }
  return createSqliteStore({ path: sqlitePath(url) });
}

/** The SQLite file a database URL names; relative paths are relative to the working folder. */
export function sqlitePath(url: string): string {
  if (/^file:/i.test(url)) return fileURLToPath(url);
  let path = url;
  if (/^sqlite3?:/i.test(path)) {
    path = path.replace(/^sqlite3?:/i, '');
    // `sqlite:///abs/file.db` (three slashes) is the usual URL form of an absolute path.
    if (path.startsWith('//')) path = path.slice(2);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new PlatformError('UNSUPPORTED', `unsupported database URL scheme in '${redact(url)}': use postgres://, sqlite: or a file path`);
  }
  if (path === ':memory:') return path;
  if (path === '') throw new PlatformError('VALIDATION_ERROR', `database URL '${url}' names no file`);
  return isAbsolute(path) ? path : resolve(path);
}

/** Hides a password in a URL for error messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
