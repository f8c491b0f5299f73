/**
 * A quick chart over rows of a dataset: line or bar, an x column, a y column summed (or the
 * row count), optionally split into series by another column.
 */
import { useMemo, useState } from 'react';
import type { ColumnInfo } from '../api/types.ts';
import { chartColors, useTheme } from '../theme.tsx';
import { EChart, type EChartOption } from './echart.tsx';
import { displayValue } from './data-table.tsx';
import { Empty } from './states.tsx';

const COUNT = '__count__';
const MAX_GROUPS = 10;
const MAX_CATEGORIES = 60;
const PALETTE = ['#7d47c2', '#3b82f6', '#22a06b', '#e6a23c', '#e5484d', '#14b8a6', '#f07b3f', '#9b7ede', '#64748b', '#d946ef', '#8c96a8'];

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)/i;
const ORDERED = /^(DATE|TIMESTAMP|TIME)/i;

function isNumeric(column: ColumnInfo): boolean {
  return NUMERIC.test(column.type);
}

function label(value: unknown, type = ''): string {
  if (value === null || value === undefined) return '(null)';
  return displayValue(value, type);
}

/**
 * The x column to start with: the non-numeric one with the most distinct values that still
 * fit on an axis (dates and times preferred), else the first column.
 */
function pickX(columns: ColumnInfo[], rows: Array<Record<string, unknown>>): ColumnInfo | undefined {
  const distinct = (c: ColumnInfo): number => new Set(rows.map((r) => label(r[c.name], c.type))).size;
  const candidates = columns
    .filter((c) => !isNumeric(c))
    .map((c) => ({ c, n: distinct(c), ordered: ORDERED.test(c.type) }))
    .filter((x) => x.n > 1 && x.n <= MAX_CATEGORIES)
    .sort((a, b) => Number(b.ordered) - Number(a.ordered) || b.n - a.n);
  return candidates[0]?.c ?? columns.find((c) => !isNumeric(c)) ?? columns[0];
}

export interface QuickChartProps {
  columns: ColumnInfo[];
  rows: Array<Record<string, unknown>>;
}

export function QuickChart({ columns, rows }: QuickChartProps) {
  const { theme } = useTheme();
  const numeric = columns.filter(isNumeric);
  const [defaultX] = useState(() => pickX(columns, rows));
  const [kind, setKind] = useState<'bar' | 'line'>('bar');
  const [x, setX] = useState(defaultX?.name ?? '');
  const [y, setY] = useState(numeric.find((c) => c.name !== defaultX?.name)?.name ?? COUNT);
  const [group, setGroup] = useState('');

  const option = useMemo((): EChartOption | null => {
    if (!x || rows.length === 0) return null;
    const xColumn = columns.find((c) => c.name === x);
    const sums = new Map<string, Map<string, number>>();
    const groupTotals = new Map<string, number>();
    for (const row of rows) {
      const xKey = label(row[x], xColumn?.type);
      const gKey = group ? label(row[group], columns.find((c) => c.name === group)?.type) : 'all';
      const value = y === COUNT ? 1 : Number(row[y]);
      if (!Number.isFinite(value)) continue;
      const perGroup = sums.get(xKey) ?? new Map<string, number>();
      perGroup.set(gKey, (perGroup.get(gKey) ?? 0) + value);
      sums.set(xKey, perGroup);
      groupTotals.set(gKey, (groupTotals.get(gKey) ?? 0) + Math.abs(value));
    }
    let categories = [...sums.keys()];
    if (xColumn && (ORDERED.test(xColumn.type) || isNumeric(xColumn))) {
      categories.sort((a, b) => (isNumeric(xColumn) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
    } else {
      const total = (k: string): number => [...(sums.get(k)?.values() ?? [])].reduce((s, v) => s + v, 0);
      categories.sort((a, b) => total(b) - total(a));
    }
    categories = categories.slice(0, MAX_CATEGORIES);
    const groups = [...groupTotals.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
    const shown = groups.slice(0, MAX_GROUPS);
    const others = new Set(groups.slice(MAX_GROUPS));
    const seriesNames = others.size > 0 ? [...shown, 'other'] : shown;
    const colors = chartColors(theme);
    return {
      backgroundColor: 'transparent',
      color: theme === 'dark' ? ['#a77ee8', ...PALETTE.slice(1)] : PALETTE,
      textStyle: { color: colors.text, fontFamily: 'inherit' },
      tooltip: { trigger: 'axis', backgroundColor: colors.tooltipBg, borderColor: colors.axis, textStyle: { color: colors.text } },
      legend: group ? { top: 0, type: 'scroll', textStyle: { color: colors.muted } } : undefined,
      grid: { left: 8, right: 16, top: group ? 36 : 16, bottom: 4, containLabel: true },
      xAxis: { type: 'category', data: categories, axisLabel: { color: colors.muted, hideOverlap: true }, axisLine: { lineStyle: { color: colors.axis } } },
      yAxis: { type: 'value', splitLine: { lineStyle: { color: colors.grid } }, axisLabel: { color: colors.muted } },
      series: seriesNames.map((name) => ({
        name: group ? name : y === COUNT ? 'rows' : y,
        type: kind,
        stack: kind === 'bar' && group ? 'total' : undefined,
        smooth: kind === 'line' ? 0.2 : undefined,
        showSymbol: kind === 'line' && categories.length < 40,
        barMaxWidth: 32,
        data: categories.map((c) => {
          const perGroup = sums.get(c);
          if (!perGroup) return 0;
          if (name === 'other' && others.size > 0) return [...others].reduce((s, g) => s + (perGroup.get(g) ?? 0), 0);
          return perGroup.get(name) ?? 0;
        }),
      })),
    };
  }, [columns, rows, x, y, group, kind, theme]);

  if (columns.length === 0) return <Empty title="No columns to chart" />;
  return (
    <div className="quick-chart">
      <div className="chart-controls" role="group" aria-label="Chart settings">
        <label>
          Chart
          <select className="input" value={kind} onChange={(e) => setKind(e.target.value as 'bar' | 'line')} aria-label="Chart type">
            <option value="bar">Bar</option>
            <option value="line">Line</option>
          </select>
        </label>
        <label>
          X
          <select className="input" value={x} onChange={(e) => setX(e.target.value)} aria-label="X column">
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Y
          <select className="input" value={y} onChange={(e) => setY(e.target.value)} aria-label="Y column">
            <option value={COUNT}>count of rows</option>
            {numeric.map((c) => (
              <option key={c.name} value={c.name}>
                sum of {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group by
          <select className="input" value={group} onChange={(e) => setGroup(e.target.value)} aria-label="Group by column">
            <option value="">(none)</option>
            {columns
              .filter((c) => c.name !== x)
              .map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
          </select>
        </label>
      </div>
      {option ? <EChart option={option} height={280} label={`${kind} chart of ${y === COUNT ? 'row count' : y} by ${x}${group ? ` grouped by ${group}` : ''}`} /> : <Empty title="No rows to chart" />}
    </div>
  );
}
