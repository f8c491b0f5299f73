/**
 * What the Postgres connector asks the catalog: tables and columns for `discover`, and a write
 * target's columns and unique keys. Tables are looked up with `to_regclass`, so an unqualified
 * name resolves through the search_path exactly as the INSERT will.
 */
import type pg from 'pg';
import type { DiscoveredRelation } from '../connector.ts';
import { postgresDialect, type TableRef } from './sql-dialect.ts';

/** Tables and views with their columns; relations outside `public` are named `schema.table`. */
export async function discoverPostgres(client: pg.ClientBase, schema?: string): Promise<DiscoveredRelation[]> {
  const { rows } = await client.query<{ table_schema: string; table_name: string; column_name: string; type: string; is_nullable: string }>(
    `SELECT c.table_schema, c.table_name, c.column_name, c.is_nullable,
            CASE WHEN c.data_type = 'numeric' AND c.numeric_precision IS NOT NULL
                 THEN 'numeric(' || c.numeric_precision || ',' || c.numeric_scale || ')'
                 ELSE c.data_type END AS type
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE ($1::text IS NULL AND c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg\\_%')
         OR c.table_schema = $1
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
    [schema ?? null],
  );
  const relations = new Map<string, DiscoveredRelation>();
  for (const row of rows) {
    const name = row.table_schema === 'public' && schema === undefined ? row.table_name : `${row.table_schema}.${row.table_name}`;
    let relation = relations.get(name);
    if (!relation) relations.set(name, (relation = { name, columns: [] }));
    relation.columns.push({ name: row.column_name, type: postgresDialect.duckType(row.type), nullable: row.is_nullable === 'YES' });
  }
  return [...relations.values()];
}

/** Column names of a table, in order; empty when the table does not exist. */
export async function postgresTableColumns(client: pg.ClientBase, target: TableRef): Promise<string[]> {
  const { rows } = await client.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped
      ORDER BY attnum`,
    [postgresDialect.qualify(target)],
  );
  return rows.map((r) => r.attname);
}

/** The column sets of the table's primary key and unique indexes (not partial or expression ones). */
export async function postgresUniqueKeys(client: pg.ClientBase, target: TableRef): Promise<string[][]> {
  const { rows } = await client.query<{ columns: string[] }>(
    `SELECT array_agg(a.attname::text ORDER BY a.attname) AS columns
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
      GROUP BY i.indexrelid`,
    [postgresDialect.qualify(target)],
  );
  return rows.map((r) => r.columns);
}
