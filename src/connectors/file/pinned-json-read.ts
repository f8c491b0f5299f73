/**
 * read_json with the columns it inferred written out. Each bind of a bare read_json samples
 * the files again to infer their columns (about 0.1 s per million-line file), and a dataset kept
 * as a view is bound several times downstream: by the source's DESCRIBE, each transform's
 * validation and row check, and the query that finally reads it. With `columns=` given, a bind
 * costs a couple of milliseconds and the rows come out the same.
 *
 * The one thing the inference decides that the column types do not carry is the format of
 * dates and times (DuckDB may detect `13-03-2024` as a DATE with `%d-%m-%Y`), while explicit
 * columns parse them as ISO 8601. So columns are pinned only when every temporal column is at
 * the top level and all of its values in the inference sample parse as ISO; otherwise the bare
 * read_json is kept.
 */
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';
import type { DuckAccess } from '../connector.ts';

/** Rows read_json samples to infer columns (its `sample_size` default). */
const SAMPLE_ROWS = 20_480;
const TEMPORAL = /\b(DATE|TIME|TIMESTAMP|INTERVAL)\b/;
const NESTED = /^(STRUCT|MAP|UNION)\(|\[\]$/;

interface InferredColumn {
  name: string;
  type: string;
}

/**
 * `SELECT * FROM read_json(<args>)`, with `columns=` added when that reads the same rows.
 * `args` are read_json's arguments (the file list first).
 */
export async function pinnedJsonRead(duck: DuckAccess, args: readonly string[]): Promise<string> {
  const bare = `SELECT * FROM read_json(${args.join(', ')})`;
  let columns: InferredColumn[];
  try {
    columns = (await duck.all(`DESCRIBE ${bare}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch {
    // Whatever fails here (no rows to infer from) fails the same way, with DuckDB's message, when read.
    return bare;
  }
  if (columns.length === 0) return bare;
  const temporal = columns.filter((c) => TEMPORAL.test(c.type));
  if (temporal.some((c) => NESTED.test(c.type))) return bare;
  if (temporal.length > 0 && !(await temporalValuesAreIso(duck, args, columns, temporal))) return bare;
  return `SELECT * FROM read_json(${[...args, `columns=${columnsLiteral(columns)}`].join(', ')})`;
}

function columnsLiteral(columns: readonly InferredColumn[]): string {
  return `{${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`;
}

/** Whether the sample's values of the temporal columns, read as text, all cast as ISO 8601. */
async function temporalValuesAreIso(duck: DuckAccess, args: readonly string[], columns: readonly InferredColumn[], temporal: readonly InferredColumn[]): Promise<boolean> {
  const asText = columns.map((c) => (temporal.includes(c) ? { ...c, type: 'VARCHAR' } : c));
  const notIso = temporal.map((c) => `(${quoteIdent(c.name)} IS NOT NULL AND TRY_CAST(${quoteIdent(c.name)} AS ${c.type}) IS NULL)`).join(' OR ');
  const sample = `SELECT ${temporal.map((c) => quoteIdent(c.name)).join(', ')} FROM read_json(${[...args, `columns=${columnsLiteral(asText)}`].join(', ')}) LIMIT ${SAMPLE_ROWS}`;
  try {
    const [row] = await duck.all(`SELECT count(*) AS not_iso FROM (${sample}) WHERE ${notIso}`);
    return Number(row?.not_iso ?? 1) === 0;
  } catch {
    return false;
  }
}
