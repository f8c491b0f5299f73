/**
 * The Postgres adapter: materialises models in a Postgres schema over one `pg` connection (temp
 * tables of incremental runs live on it). Tables are built under a temporary name and swapped in
 * one transaction, so readers never see a half-built table. Rebuilding a relation drops what
 * depends on it (`CASCADE`), as dbt-postgres does; those dependents are rebuilt later in the run
 * when they are selected.
 */
import pg from 'pg';
import { postgresDialect } from '../../connectors/sql/sql-dialect.ts';
import { postgresPoolConfig } from '../../connectors/sql/postgres-client.ts';
import type { IncrementalOptions, IncrementalOutcome, ModelAdapter, RelationKind, RelationParts, SeedLoadOptions } from './model-adapter.ts';
import { readSeedCsv } from './seed-csv.ts';
import { SqlStatementError } from './sql-statement-error.ts';
import { mergeIncremental } from './incremental-merge.ts';
import { sqlQuoting } from './sql-quoting.ts';

/** Connection settings of a Postgres target. */
export interface PostgresAdapterOptions {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  connectTimeoutMs?: number;
}

/** Postgres refuses more bind parameters than this in one statement. */
const MAX_PARAMS = 60_000;

/** Materialises models in Postgres over one connection. */
export class PostgresAdapter implements ModelAdapter {
  readonly type = 'postgres' as const;
  readonly quoting = sqlQuoting('postgres');

  private constructor(
    private readonly pool: pg.Pool,
    private readonly client: pg.PoolClient,
  ) {}

  /** Connects; the session runs in UTC, like the platform's Postgres connector. */
  static async open(options: PostgresAdapterOptions): Promise<PostgresAdapter> {
    const pool = new pg.Pool(
      postgresPoolConfig({
        host: options.host,
        port: options.port,
        user: options.user,
        database: options.database,
        ...(options.password !== undefined ? { password: options.password } : {}),
        pool_size: 1,
        connect_timeout_ms: options.connectTimeoutMs ?? 10_000,
      }),
    );
    // An idle connection dropped by the server must not crash the process.
    pool.on('error', () => undefined);
    try {
      return new PostgresAdapter(pool, await pool.connect());
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  async createSchema(schema: string): Promise<void> {
    await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${this.quoting.quoteIdent(schema)}`);
  }

  async relationKind(relation: RelationParts): Promise<RelationKind | undefined> {
    const result = await this.client.query<{ table_type: string }>('SELECT table_type FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [
      relation.schema,
      relation.identifier,
    ]);
    const row = result.rows[0];
    if (!row) return undefined;
    return row.table_type === 'VIEW' ? 'view' : 'table';
  }

  async createView(relation: RelationParts, sql: string): Promise<void> {
    await this.transaction(async () => {
      await this.drop(relation);
      await this.wrapped(`CREATE VIEW ${this.quoting.relation(relation)} AS (\n`, sql, '\n)');
    });
  }

  async createTable(relation: RelationParts, sql: string): Promise<number> {
    const temp = { ...relation, identifier: `${relation.identifier}__dbt_tmp` };
    return this.transaction(async () => {
      await this.drop(temp);
      const rows = await this.wrapped(`CREATE TABLE ${this.quoting.relation(temp)} AS (\n`, sql, '\n)');
      await this.drop(relation);
      await this.client.query(`ALTER TABLE ${this.quoting.relation(temp)} RENAME TO ${this.quoting.quoteIdent(relation.identifier)}`);
      return rows;
    });
  }

  async mergeIncremental(relation: RelationParts, sql: string, options: IncrementalOptions): Promise<IncrementalOutcome> {
    return mergeIncremental(
      {
        quoting: this.quoting,
        execute: async (statement) => (await this.client.query(statement)).rowCount ?? 0,
        wrapped: (prefix, body, suffix) => this.wrapped(prefix, body, suffix),
        columnsOf: (relationSql) => this.columnsOf(relationSql),
        transaction: (work) => this.transaction(work),
      },
      relation,
      sql,
      options,
    );
  }

  async loadSeed(relation: RelationParts, file: string, options: SeedLoadOptions): Promise<number> {
    const q = this.quoting;
    const csv = await readSeedCsv(file, options.columnTypes);
    const target = q.relation(relation);
    return this.transaction(async () => {
      // A table of the same columns is emptied rather than dropped, so views over it survive (as in dbt).
      const existing = (await this.relationKind(relation)) === 'table' ? await this.columnsOf(target) : [];
      if (existing.length > 0 && existing.join('\u0000') === csv.columns.map((c) => c.name).join('\u0000')) {
        await this.client.query(`TRUNCATE TABLE ${target}`);
      } else {
        await this.drop(relation);
        const columns = csv.columns.map((c) => `${q.quoteIdent(c.name)} ${options.columnTypes[c.name] ?? postgresDialect.ddlType(c.type)}`).join(', ');
        await this.client.query(`CREATE TABLE ${target} (${columns})`);
      }
      const width = Math.max(1, csv.columns.length);
      const perStatement = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / width)));
      const names = csv.columns.map((c) => q.quoteIdent(c.name)).join(', ');
      for (let start = 0; start < csv.rows.length; start += perStatement) {
        const batch = csv.rows.slice(start, start + perStatement);
        const tuples = batch.map((_, r) => `(${csv.columns.map((__, c) => postgresDialect.placeholder(r * width + c + 1)).join(', ')})`);
        await this.client.query(`INSERT INTO ${target} (${names}) VALUES ${tuples.join(', ')}`, batch.flat());
      }
      return csv.rows.length;
    });
  }

  async drop(relation: RelationParts): Promise<void> {
    const kind = await this.relationKind(relation);
    if (kind) await this.client.query(`DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${this.quoting.relation(relation)} CASCADE`);
  }

  async execute(sql: string): Promise<void> {
    await this.wrapped('', sql, '');
  }

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    try {
      return (await this.client.query(sql)).rows as Array<Record<string, unknown>>;
    } catch (error) {
      throw SqlStatementError.from(error, sql, 1);
    }
  }

  async close(): Promise<void> {
    this.client.release();
    await this.pool.end();
  }

  private async wrapped(prefix: string, body: string, suffix: string): Promise<number> {
    const statement = `${prefix}${body}${suffix}`;
    try {
      return (await this.client.query(statement)).rowCount ?? 0;
    } catch (error) {
      throw SqlStatementError.from(error, statement, prefix.split('\n').length);
    }
  }

  private async columnsOf(relationSql: string): Promise<string[]> {
    return (await this.client.query(`SELECT * FROM ${relationSql} LIMIT 0`)).fields.map((f) => f.name);
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      const result = await work();
      await this.client.query('COMMIT');
      return result;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
