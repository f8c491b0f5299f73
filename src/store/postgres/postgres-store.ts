/**
 * The shared metadata store on PostgreSQL, for several processes and machines.
 */
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Database } from '../database.ts';
import { KyselyStore } from '../kysely-store.ts';
import type { Store } from '../store.ts';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  connectionString: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** The clock for record times the store sets itself; tests inject one. */
  now?: () => Date;
  /**
   * Run the engine's batch as a named prepared statement (default true): it halves Postgres's
   * CPU per batch (measured: about 620 against 330 µs for a small batch). Turn it off behind a
   * pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

const OID = { int8: 20, json: 114, timestamptz: 1184, jsonb: 3802 } as const;

const parseTimestamptz = pg.types.getTypeParser(OID.timestamptz, 'text') as (value: string) => Date;
const toIsoString = (value: string): string => parseTimestamptz(value).toISOString();
const toNumber = (value: string): number => Number(value);
const asText = (value: string): string => value;

/**
 * Type parsers for this pool only: the platform may share the process with user code that uses
 * `pg` with its global defaults, so those are left alone.
 * - timestamps come back as the ISO strings the records use, not `Date`s;
 * - bigints (counts, serial ids) as numbers: they stay far below 2^53;
 * - JSON as text, parsed by the store like SQLite's, so both dialects share one mapping.
 */
const storeTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case OID.timestamptz:
        return toIsoString;
      case OID.int8:
        return toNumber;
      case OID.json:
      case OID.jsonb:
        return asText;
      default:
        return pg.types.getTypeParser(oid, format ?? 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Names of prepared statements by their text. Each connection keeps every statement it has
 * prepared, so their number is capped; the batch's text only varies with which tables (and
 * columns) a batch writes, a few dozen shapes at most.
 */
const statementNames = new Map<string, string>();
const MAX_PREPARED = 256;

/** A prepared statement's name (the same text always gets the same one, as pg requires), or none past the cap. */
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_PREPARED) {
    name = `dd_${createHash('sha1').update(text).digest('hex')}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Connects a Postgres metadata store (a pool; nothing is opened until the first query). The
 * store is not migrated: call `migrate()`.
 *
 * @example
 * const store = createPostgresStore({ connectionString: process.env.DATABASE_URL! });
 * await store.migrate();
 */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, types: storeTypes });
  // An idle client that loses its server (a restart, a dropped database) is removed from the
  // pool; without a listener the pool's 'error' event would end the process. The next query
  // opens a new connection and reports any lasting failure to its caller.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const runPrepared = async <R>(query: CompiledQuery): Promise<R[]> => {
    const name = statementName(query.sql);
    const { rows } = await pool.query({ ...(name ? { name } : {}), text: query.sql, values: [...query.parameters] });
    return rows as R[];
  };
  return new KyselyStore({ db, dialect: 'postgres', ...(options.now ? { now: options.now } : {}), ...(options.preparedStatements !== false ? { runPrepared } : {}) });
}
