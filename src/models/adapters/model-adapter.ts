/**
 * The adapter seam of SQL models: what a dbt project needs of the warehouse it materialises into.
 * One implementation per database beside this file (duckdb-adapter.ts, postgres-adapter.ts).
 * Every identifier and literal an adapter writes goes through its `quoting`, the one quoting
 * helper of its dialect.
 */

/** The warehouses a profile target can name. */
export const ADAPTER_TYPES = ['duckdb', 'postgres'] as const;
/** One warehouse type. */
export type AdapterType = (typeof ADAPTER_TYPES)[number];

/** What a relation that already exists is. */
export type RelationKind = 'table' | 'view';

/** A relation's name parts; `database` only when a source names one explicitly. */
export interface RelationParts {
  database?: string;
  schema: string;
  identifier: string;
}

/** Quoting of one dialect; also usable without a connection (parsing, `ls`, `compile`). */
export interface SqlQuoting {
  quoteIdent(name: string): string;
  quoteLiteral(value: string): string;
  /** The quoted, qualified name of a relation: `"main"."orders"`. */
  relation(parts: RelationParts): string;
}

/** Rows an incremental run removed (replaced by key) and added. */
export interface IncrementalOutcome {
  inserted: number;
  deleted: number;
}

/** How new rows of an incremental model are merged into the existing table. */
export interface IncrementalOptions {
  /** Key columns: matching rows are deleted before the insert (delete+insert). Empty: append. */
  uniqueKey: readonly string[];
}

/** Options of a seed load. */
export interface SeedLoadOptions {
  /** Column types that win over the ones DuckDB detects, as in `+column_types`. */
  columnTypes: Readonly<Record<string, string>>;
}

/**
 * One open connection to a warehouse. SQL statements that fail throw a `SqlStatementError`
 * whose `line` counts within the model SQL the statement wrapped.
 */
export interface ModelAdapter {
  readonly type: AdapterType;
  readonly quoting: SqlQuoting;
  createSchema(schema: string): Promise<void>;
  relationKind(relation: RelationParts): Promise<RelationKind | undefined>;
  /** Replaces whatever has the name with a view over `sql`. */
  createView(relation: RelationParts, sql: string): Promise<void>;
  /** Replaces whatever has the name with a table of `sql`'s rows; returns the row count. */
  createTable(relation: RelationParts, sql: string): Promise<number>;
  /** Adds the rows of `sql` to an existing table (deleting rows with the same key first). */
  mergeIncremental(relation: RelationParts, sql: string, options: IncrementalOptions): Promise<IncrementalOutcome>;
  /** Replaces the relation with a table of a CSV file's rows; returns the row count. */
  loadSeed(relation: RelationParts, file: string, options: SeedLoadOptions): Promise<number>;
  drop(relation: RelationParts): Promise<void>;
  /** Runs statements for their effect (hooks). */
  execute(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain objects. */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Optional: writes a relation's rows to a Parquet file (used to publish models as datasets). */
  exportParquet?(relation: RelationParts, file: string): Promise<void>;
  close(): Promise<void>;
}
