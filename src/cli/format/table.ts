/**
 * Plain text tables for list and status output: columns padded to their widest cell, measured
 * without colour escapes so coloured cells line up.
 */
import { stripAnsi } from '../ansi.ts';

/** Lays out rows under a header; the last column is not padded, so lines carry no trailing blanks. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, i) => Math.max(stripAnsi(title).length, ...rows.map((row) => stripAnsi(row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - stripAnsi(cell).length)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
