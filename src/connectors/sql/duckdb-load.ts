/**
 * How the DuckDB connector loads rows: each row becomes one NDJSON line with values in a form
 * DuckDB casts exactly (dates as text, big integers as text, JSON as JSON), and one INSERT ...
 * SELECT reads the file with `read_json` and the dataset's column types.
 */
import { quoteLiteral } from '../../engine/sql-quote.ts';
import type { DuckTypeKind } from './duck-type.ts';
import { duckdbDialect } from './sql-dialect.ts';
import { formatDate, formatTimestamp, jsonText } from './sql-values.ts';
import { columnList, upsertClause, type WritePlan } from './write-plan.ts';

/** The NDJSON field that orders rows, so an upsert keeps the last row of each key. */
export const SEQ_FIELD = '__dd_seq';

function jsonValue(value: unknown, kind: DuckTypeKind): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'json':
    case 'nested':
      // A JSON column handed over as text is loaded as the JSON it holds, not as a string.
      return JSON.parse(jsonText(value)) as unknown;
    case 'date':
      return value instanceof Date ? formatDate(value) : value;
    case 'timestamp':
      return value instanceof Date ? formatTimestamp(value) : value;
    case 'timestamptz':
      return value instanceof Date ? value.toISOString() : value;
    case 'blob':
      // DuckDB casts `\xAB` escapes in text to bytes.
      return value instanceof Uint8Array ? Array.from(value, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('') : value;
    default:
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Date) return value.toISOString();
      return value;
  }
}

/** The JSON object of one row, keyed by column name, with its sequence number. */
export function duckdbJsonRow(row: Record<string, unknown>, plan: WritePlan, seq: number): Record<string, unknown> {
  const out: Record<string, unknown> = { [SEQ_FIELD]: seq };
  plan.columns.forEach((column, i) => {
    out[column.name] = jsonValue(row[column.name], (plan.types[i] as WritePlan['types'][number]).kind);
  });
  return out;
}

/**
 * The INSERT that loads one staged NDJSON file (bound as $1). In upsert mode, rows of one file
 * are reduced to the last per key first, since ON CONFLICT cannot touch a row twice.
 */
export function duckdbLoadSql(plan: WritePlan): string {
  const q = duckdbDialect.quoteIdent;
  const fields = [...plan.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(duckdbDialect.ddlType(c.type))}`), `${quoteLiteral(SEQ_FIELD)}: 'BIGINT'`];
  const cols = columnList(duckdbDialect, plan);
  const source = `read_json($1, format = 'newline_delimited', maximum_object_size = 1073741824, columns = {${fields.join(', ')}})`;
  let sql = `INSERT INTO ${duckdbDialect.qualify(plan.target)} (${cols}) SELECT ${cols} FROM ${source}`;
  if (plan.mode === 'upsert') {
    sql += ` QUALIFY row_number() OVER (PARTITION BY ${plan.keys.map(q).join(', ')} ORDER BY ${q(SEQ_FIELD)} DESC) = 1`;
    sql += upsertClause(duckdbDialect, plan);
  }
  return sql;
}
