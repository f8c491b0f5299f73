/**
 * What the DuckDB connector asks a database file: tables and columns (duckdb_columns) and a
 * write target's columns and unique keys (duckdb_constraints, duckdb_indexes).
 */
import type { DuckSession } from '../../engine/duckdb.ts';
import type { DiscoveredRelation } from '../connector.ts';
import type { TableRef } from './sql-dialect.ts';

/** Tables and views with their columns; those outside `main` are named `schema.table`. */
export async function discoverDuckdb(session: DuckSession, schema?: string): Promise<DiscoveredRelation[]> {
  const rows = await session.all(
    `SELECT schema_name, table_name, column_name, data_type, is_nullable
       FROM duckdb_columns()
      WHERE database_name = current_database() AND NOT internal AND ($1::VARCHAR IS NULL OR schema_name = $1::VARCHAR)
      ORDER BY schema_name, table_name, column_index`,
    [schema ?? null],
  );
  const relations = new Map<string, DiscoveredRelation>();
  for (const row of rows) {
    const name = row.schema_name === 'main' && schema === undefined ? String(row.table_name) : `${String(row.schema_name)}.${String(row.table_name)}`;
    let relation = relations.get(name);
    if (!relation) relations.set(name, (relation = { name, columns: [] }));
    relation.columns.push({ name: String(row.column_name), type: String(row.data_type), nullable: Boolean(row.is_nullable) });
  }
  return [...relations.values()];
}

/** Column names of a table, in order; empty when it does not exist. */
export async function duckdbTableColumns(session: DuckSession, target: TableRef): Promise<string[]> {
  const rows = await session.all(
    `SELECT column_name FROM duckdb_columns()
      WHERE database_name = current_database() AND schema_name = COALESCE($1::VARCHAR, current_schema()) AND table_name = $2::VARCHAR
      ORDER BY column_index`,
    [target.schema ?? null, target.table],
  );
  return rows.map((r) => String(r.column_name));
}

/** `[id, "order id"]` as DuckDB prints an index's column expressions. */
function indexColumns(expressions: string): string[] | undefined {
  const parts = expressions.replace(/^\[|\]$/g, '').split(', ');
  const columns = parts.map((p) => (/^"(?:[^"]|"")*"$/.test(p) ? p.slice(1, -1).replaceAll('""', '"') : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : undefined));
  return columns.every((c) => c !== undefined) ? (columns as string[]) : undefined;
}

/** Column sets of the primary key, unique constraints and unique indexes of a table. */
export async function duckdbUniqueKeys(session: DuckSession, target: TableRef): Promise<string[][]> {
  const params = [target.schema ?? null, target.table];
  const where = 'database_name = current_database() AND schema_name = COALESCE($1::VARCHAR, current_schema()) AND table_name = $2::VARCHAR';
  const constraints = await session.all(`SELECT constraint_column_names AS cols FROM duckdb_constraints() WHERE ${where} AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`, params);
  const indexes = await session.all(`SELECT expressions FROM duckdb_indexes() WHERE ${where} AND is_unique`, params);
  const keys = constraints.map((r) => (r.cols as unknown[]).map(String));
  for (const row of indexes) {
    const columns = indexColumns(String(row.expressions));
    if (columns) keys.push(columns);
  }
  return keys;
}
