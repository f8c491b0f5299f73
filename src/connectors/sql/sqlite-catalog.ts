/**
 * What the SQLite connector asks a database file: tables and columns (sqlite_master and the
 * table_info pragma), and a write target's columns and unique keys. The pragmas are called as
 * table-valued functions so table names are bound, never spliced into SQL.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DiscoveredRelation } from '../connector.ts';
import { sqliteDialect, type TableRef } from './sql-dialect.ts';

/** Tables and views with their columns, typed from their declared types. */
export function discoverSqlite(db: BetterSqlite3.Database, schema = 'main'): DiscoveredRelation[] {
  // sqlite_schema of an attached database is reached through its own schema name.
  const master = `${sqliteDialect.quoteIdent(schema)}.sqlite_master`;
  const rows = db
    .prepare(
      `SELECT m.name AS tbl, p.name AS col, p.type AS type, p."notnull" AS not_null
         FROM ${master} m JOIN pragma_table_info(m.name, ?) p
        WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        ORDER BY m.name, p.cid`,
    )
    .all(schema) as Array<{ tbl: string; col: string; type: string; not_null: number }>;
  const relations = new Map<string, DiscoveredRelation>();
  for (const row of rows) {
    let relation = relations.get(row.tbl);
    if (!relation) relations.set(row.tbl, (relation = { name: row.tbl, columns: [] }));
    relation.columns.push({ name: row.col, type: sqliteDialect.duckType(row.type), nullable: row.not_null === 0 });
  }
  return [...relations.values()];
}

/** Column names of a table, in order; empty when it does not exist. */
export function sqliteTableColumns(db: BetterSqlite3.Database, target: TableRef): string[] {
  return db.prepare('SELECT name FROM pragma_table_info(?, ?) ORDER BY cid').pluck().all(target.table, target.schema ?? 'main') as string[];
}

/** Column sets of the primary key and the unique, non-partial indexes of a table. */
export function sqliteUniqueKeys(db: BetterSqlite3.Database, target: TableRef): string[][] {
  const schema = target.schema ?? 'main';
  // An INTEGER PRIMARY KEY is the rowid and has no index, so the key comes from table_info.
  const pk = db.prepare('SELECT name FROM pragma_table_info(?, ?) WHERE pk > 0 ORDER BY pk').pluck().all(target.table, schema) as string[];
  const rows = db
    .prepare(
      `SELECT il.name AS idx, ii.name AS col
         FROM pragma_index_list(?, ?) il JOIN pragma_index_info(il.name, ?) ii
        WHERE il."unique" = 1 AND il.partial = 0
        ORDER BY il.name, ii.seqno`,
    )
    .all(target.table, schema, schema) as Array<{ idx: string; col: string | null }>;
  const indexes = new Map<string, Array<string | null>>();
  for (const row of rows) indexes.set(row.idx, [...(indexes.get(row.idx) ?? []), row.col]);
  const keys = [...indexes.values()].filter((cols): cols is string[] => cols.every((c) => c !== null));
  return pk.length > 0 ? [pk, ...keys] : keys;
}
