/**
 * Whether a query returns exactly one row per row of the one relation it scans, read from
 * DuckDB's own plan: a chain of projections and sorts over one file scan with nothing pushed
 * into it (no filter, no limit). Then a view's row count is its input's, with no count query
 * (which over raw files means reading them all). Anything else in the plan, or a plan this
 * does not recognise, answers false and the caller counts.
 */
import type { DuckAccess } from '../connectors/connector.ts';

/** Operators that pass every row through, one for one. */
const ROW_FOR_ROW = new Set(['PROJECTION', 'ORDER_BY']);
/** File scans, and the details they may carry without dropping rows. */
const SCANS = new Set(['READ_JSON', 'READ_PARQUET', 'READ_CSV']);
const PLAIN_SCAN_DETAILS = new Set(['Function', 'Projections', 'Estimated Cardinality']);

interface PlanNode {
  name?: unknown;
  children?: unknown;
  extra_info?: unknown;
}

export async function preservesRows(duck: DuckAccess, sql: string): Promise<boolean> {
  const [row] = await duck.all(`EXPLAIN (FORMAT JSON) ${sql}`);
  let roots: unknown;
  try {
    roots = JSON.parse(String(row?.explain_value ?? ''));
  } catch {
    return false;
  }
  if (!Array.isArray(roots) || roots.length !== 1) return false;
  let node = roots[0] as PlanNode;
  for (;;) {
    const name = String(node?.name ?? '');
    const children = Array.isArray(node?.children) ? (node.children as PlanNode[]) : [];
    if (ROW_FOR_ROW.has(name) && children.length === 1) {
      node = children[0] as PlanNode;
      continue;
    }
    const details = node?.extra_info && typeof node.extra_info === 'object' ? Object.keys(node.extra_info) : [];
    return SCANS.has(name) && children.length === 0 && details.every((key) => PLAIN_SCAN_DETAILS.has(key));
  }
}
