/**
 * The embedded metadata store: one SQLite file through better-sqlite3, the default when no
 * DATABASE_URL is set.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase, type SqliteDialectConfig } from 'kysely';
import type { Database } from '../database.ts';
import { KyselyStore } from '../kysely-store.ts';
import type { Store } from '../store.ts';

export interface SqliteStoreOptions {
  /** The database file (its folder is created), or `:memory:`. */
  path: string;
  /** The clock for record times the store sets itself; tests inject one. */
  now?: () => Date;
}

/**
 * Opens (or creates) a SQLite metadata store. The store is not migrated: call `migrate()`.
 *
 * @example
 * const store = createSqliteStore({ path: `${home}/metadata.db` });
 * await store.migrate();
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const inMemory = options.path === ':memory:' || options.path === '';
  if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new BetterSqlite3(options.path);
  try {
    // WAL lets readers (the API server, the CLI) run while an engine writes; NORMAL sync is
    // safe in WAL mode (a power cut may lose the last commits, never corrupt the file).
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: cachingStatements(sqlite) }) });
  return new KyselyStore({ db, dialect: 'sqlite', ...(options.now ? { now: options.now } : {}) });
}

/** Statements kept prepared; the store issues a few dozen distinct shapes. */
const STATEMENT_CACHE_SIZE = 200;
/** Longer statements (big multi-row inserts) are not kept: they are rare and heavy. */
const CACHEABLE_SQL_LENGTH = 50_000;

/**
 * Reuses prepared statements by SQL text. Kysely prepares every query afresh, and preparing
 * costs about as much as running a small upsert, which the engine does on every tick.
 */
function cachingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string): BetterSqlite3.Statement {
      const cached = cache.get(sql);
      if (cached) {
        // Map order is insertion order: re-inserting marks it most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (sql.length <= CACHEABLE_SQL_LENGTH) {
        cache.set(sql, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      sqlite.close();
    },
  };
}

/**
 * Starts transactions with BEGIN IMMEDIATE. A deferred transaction that reads and then writes
 * fails at once with SQLITE_BUSY when another process wrote in between (busy_timeout does not
 * help there); taking the write lock up front makes it wait its turn instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
