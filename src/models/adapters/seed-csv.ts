/**
 * Reads a seed CSV the way the DuckDB adapter loads it (DuckDB's type detection), for adapters
 * of other databases: the column types DuckDB detects and the rows as text, so a seed gets the
 * same column types on every warehouse and the warehouse parses the values itself.
 */
import { DuckDb } from '../../engine/duckdb.ts';
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';

/** A seed CSV's columns (DuckDB types) and rows (text or null, in column order). */
export interface SeedCsv {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Array<string | null>>;
}

/** Reads the whole file: seeds are small reference tables, as in dbt. */
export async function readSeedCsv(file: string, columnTypes: Readonly<Record<string, string>>): Promise<SeedCsv> {
  const db = await DuckDb.create();
  const session = await db.session();
  try {
    const types = Object.entries(columnTypes);
    const typeOption = types.length > 0 ? `, types = {${types.map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(', ')}}` : '';
    const source = `read_csv(${quoteLiteral(file)}, header = true, auto_detect = true${typeOption})`;
    const columns = (await session.describe(`SELECT * FROM ${source}`)).map((c) => ({ name: c.name, type: c.type }));
    const text = columns.map((c) => `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(c.name)}`).join(', ');
    const rows = (await session.all(`SELECT ${text} FROM ${source}`)).map((row) => columns.map((c) => (row[c.name] === null || row[c.name] === undefined ? null : String(row[c.name]))));
    return { columns, rows };
  } finally {
    session.close();
    db.close();
  }
}
