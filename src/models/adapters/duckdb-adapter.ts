/**
 * The DuckDB adapter: materialises models in the database file a profile's `path` names (or in
 * memory), through one connection of the platform's DuckDB wrapper. DDL runs in a transaction,
 * so a failed rebuild leaves the previous relation in place.
 */
import { DuckDb, type DuckSession } from '../../engine/duckdb.ts';
import type { IncrementalOptions, IncrementalOutcome, ModelAdapter, RelationKind, RelationParts, SeedLoadOptions } from './model-adapter.ts';
import { SqlStatementError } from './sql-statement-error.ts';
import { mergeIncremental } from './incremental-merge.ts';
import { sqlQuoting } from './sql-quoting.ts';

/** Options of a DuckDB adapter. */
export interface DuckdbAdapterOptions {
  /** Database file, absolute, or `:memory:`. */
  path: string;
}

/** Materialises models in a DuckDB database file. */
export class DuckdbAdapter implements ModelAdapter {
  readonly type = 'duckdb' as const;
  readonly quoting = sqlQuoting('duckdb');

  private constructor(
    private readonly db: DuckDb,
    private readonly session: DuckSession,
  ) {}

  /** Opens (creating when missing) the database file. */
  static async open(options: DuckdbAdapterOptions): Promise<DuckdbAdapter> {
    const db = await DuckDb.create({ path: options.path });
    return new DuckdbAdapter(db, await db.session());
  }

  async createSchema(schema: string): Promise<void> {
    await this.session.run(`CREATE SCHEMA IF NOT EXISTS ${this.quoting.quoteIdent(schema)}`);
  }

  async relationKind(relation: RelationParts): Promise<RelationKind | undefined> {
    const row = await this.session.one(
      `SELECT table_type FROM information_schema.tables WHERE table_catalog = ${relation.database ? '$3' : 'current_database()'} AND table_schema = $1 AND table_name = $2`,
      relation.database ? [relation.schema, relation.identifier, relation.database] : [relation.schema, relation.identifier],
    );
    if (!row) return undefined;
    return row.table_type === 'VIEW' ? 'view' : 'table';
  }

  async createView(relation: RelationParts, sql: string): Promise<void> {
    await this.transaction(async () => {
      if ((await this.relationKind(relation)) === 'table') await this.drop(relation);
      await this.wrapped(`CREATE OR REPLACE VIEW ${this.quoting.relation(relation)} AS (\n`, sql, '\n)');
    });
  }

  async createTable(relation: RelationParts, sql: string): Promise<number> {
    return this.transaction(async () => {
      if ((await this.relationKind(relation)) === 'view') await this.drop(relation);
      return this.wrapped(`CREATE OR REPLACE TABLE ${this.quoting.relation(relation)} AS (\n`, sql, '\n)');
    });
  }

  async mergeIncremental(relation: RelationParts, sql: string, options: IncrementalOptions): Promise<IncrementalOutcome> {
    return mergeIncremental(
      {
        quoting: this.quoting,
        execute: (statement) => this.count(statement),
        wrapped: (prefix, body, suffix) => this.wrapped(prefix, body, suffix),
        columnsOf: async (relationSql) => (await this.session.describe(`SELECT * FROM ${relationSql}`)).map((c) => c.name),
        transaction: (work) => this.transaction(work),
      },
      relation,
      sql,
      options,
    );
  }

  async loadSeed(relation: RelationParts, file: string, options: SeedLoadOptions): Promise<number> {
    const q = this.quoting;
    const types = Object.entries(options.columnTypes);
    const typeOption = types.length > 0 ? `, types = {${types.map(([name, type]) => `${q.quoteLiteral(name)}: ${q.quoteLiteral(type)}`).join(', ')}}` : '';
    return this.transaction(async () => {
      if ((await this.relationKind(relation)) === 'view') await this.drop(relation);
      await this.session.run(`CREATE OR REPLACE TABLE ${q.relation(relation)} AS SELECT * FROM read_csv(${q.quoteLiteral(file)}, header = true, auto_detect = true${typeOption})`);
      return Number((await this.session.one(`SELECT count(*) AS n FROM ${q.relation(relation)}`))?.n ?? 0);
    });
  }

  async drop(relation: RelationParts): Promise<void> {
    const kind = await this.relationKind(relation);
    if (kind) await this.session.run(`DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${this.quoting.relation(relation)}`);
  }

  async execute(sql: string): Promise<void> {
    await this.wrapped('', sql, '');
  }

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    try {
      return await this.session.all(sql);
    } catch (error) {
      throw SqlStatementError.from(error, sql, 1);
    }
  }

  async exportParquet(relation: RelationParts, file: string): Promise<void> {
    await this.session.run(`COPY (SELECT * FROM ${this.quoting.relation(relation)}) TO ${this.quoting.quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
  }

  async close(): Promise<void> {
    this.session.close();
    this.db.close();
  }

  /** Runs `prefix + body + suffix`; errors are located within `body`. Returns the affected count. */
  private async wrapped(prefix: string, body: string, suffix: string): Promise<number> {
    const statement = `${prefix}${body}${suffix}`;
    try {
      const row = (await this.session.all(statement))[0];
      return Number(row?.Count ?? 0);
    } catch (error) {
      throw SqlStatementError.from(error, statement, prefix.split('\n').length);
    }
  }

  private async count(sql: string): Promise<number> {
    return Number((await this.session.one(sql))?.Count ?? 0);
  }

  private async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.session.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.session.run('COMMIT');
      return result;
    } catch (error) {
      await this.session.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
