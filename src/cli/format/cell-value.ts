/**
 * One value of a dataset row as a table cell: nested values as compact JSON, control
 * characters made visible so a row stays on one line, and long text cut to a width.
 */

/** Default widest cell of a preview table, in characters. */
export const DEFAULT_CELL_WIDTH = 40;

/**
 * Formats a JSON-safe value for a table; `maxWidth` 0 keeps it whole.
 * @example
 * formatCell({ city: 'Lyon', tags: ['a'] }) // '{"city":"Lyon","tags":["a"]}'
 * formatCell(null)                          // 'NULL'
 */
export function formatCell(value: unknown, maxWidth = DEFAULT_CELL_WIDTH): string {
  const text = cellText(value).replace(/\r\n|\r|\n/g, '\\n').replace(/\t/g, '\\t');
  // Other control characters would move the cursor or ring the bell in a terminal.
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return maxWidth > 0 && safe.length > maxWidth ? `${safe.slice(0, Math.max(1, maxWidth - 1))}…` : safe;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
