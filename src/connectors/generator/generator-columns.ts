/**
 * The fixed schema of generated events, as DuckDB types. The data plane passes it to
 * `read_json(file, columns = {...})` so loading NDJSON skips type inference and never guesses
 * differently from one batch to the next.
 */
import type { ColumnInfo } from '../connector.ts';

/**
 * DuckDB type of each top-level column, in the order events carry them.
 *
 * @example
 * const columns = generatorColumnsSql(); // {'event_id': 'UUID', 'user': 'STRUCT(...)', ...}
 * await session.all(`SELECT count(*) FROM read_json('${file}', format = 'newline_delimited', columns = ${columns})`);
 */
export const GENERATOR_COLUMNS = {
  event_id: 'UUID',
  event_type: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  user: 'STRUCT(id VARCHAR, agent STRUCT(browser VARCHAR, os VARCHAR, device VARCHAR), country VARCHAR, city VARCHAR, geo STRUCT(lat DOUBLE, lon DOUBLE))',
  session: 'STRUCT(id VARCHAR, duration_s INTEGER, pages INTEGER)',
  engagement: 'STRUCT(clicks INTEGER, scroll_depth DOUBLE)',
  properties: 'MAP(VARCHAR, VARCHAR)',
  amount: 'DOUBLE',
} as const satisfies Record<string, string>;

/** The columns as ColumnInfo, for `discover`. Only `amount` is ever null. */
export const GENERATOR_COLUMN_INFO: readonly ColumnInfo[] = Object.entries(GENERATOR_COLUMNS).map(([name, type]) => ({ name, type, nullable: name === 'amount' }));

/** GENERATOR_COLUMNS as a DuckDB struct literal for `read_json`'s `columns` argument. */
export function generatorColumnsSql(): string {
  return `{${Object.entries(GENERATOR_COLUMNS)
    .map(([name, type]) => `'${name}': '${type}'`)
    .join(', ')}}`;
}
