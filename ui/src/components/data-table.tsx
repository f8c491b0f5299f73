/** Rows of a dataset as a table: sticky header, typed columns, nulls and nested values marked. */
import type { ColumnInfo } from '../api/types.ts';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|U\w*INT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)/i;

/** DATE values arrive as midnight UTC timestamps; a date reads better without the time. */
export function displayValue(value: unknown, type: string): string {
  if (typeof value === 'string' && /^DATE$/i.test(type)) return value.replace(/T00:00:00(?:\.000)?Z$/, '');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function cell(value: unknown, type: string) {
  if (value === null || value === undefined) return <span className="null">null</span>;
  if (typeof value === 'string') return displayValue(value, type);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return <span className="mono">{JSON.stringify(value)}</span>;
  return String(value);
}

export function DataTable({ columns, rows, label }: { columns: ColumnInfo[]; rows: Array<Record<string, unknown>>; label: string }) {
  return (
    <div className="table-wrap data-table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table className="table data-table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} scope="col" className={NUMERIC.test(c.type) ? 'num' : undefined}>
                <div>{c.name}</div>
                <div className="col-type">{c.type}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.name} className={NUMERIC.test(c.type) ? 'num' : undefined}>
                  {cell(row[c.name], c.type)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
