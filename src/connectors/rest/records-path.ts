/**
 * Finding the records in a JSON response with a small JSONPath subset: dotted keys, `[n]`
 * indexes, `['key']` and `[*]` wildcards, with or without a leading `$`. That covers the
 * `data.items` and `$.data.items[*]` shapes APIs use without a JSONPath library.
 */
import { ValidationError } from '../../core/errors.ts';

type Segment = { key: string } | { index: number } | { wildcard: true };

/** Splits `$.data.items[*]` into segments; throws on syntax it does not support. */
export function parseRecordsPath(path: string): Segment[] {
  const text = path.trim().replace(/^\$/, '');
  const segments: Segment[] = [];
  const token = /\.?([A-Za-z_$][\w$-]*)|\[(\*|\d+|'[^']*'|"[^"]*")\]|\.(\*)/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const match = token.exec(text);
    if (!match) throw new ValidationError(`records_path '${path}': cannot read '${text.slice(at)}'`, [{ path: 'records_path', message: 'expected keys such as data.items or $.data.items[*]' }]);
    at = token.lastIndex;
    const [, key, bracket, dotStar] = match;
    if (key !== undefined) segments.push({ key });
    else if (dotStar !== undefined || bracket === '*') segments.push({ wildcard: true });
    else if (bracket !== undefined && /^\d+$/.test(bracket)) segments.push({ index: Number(bracket) });
    else if (bracket !== undefined) segments.push({ key: bracket.slice(1, -1) });
  }
  return segments;
}

/** Reads the value at a dotted path (no wildcards), e.g. a cursor at `meta.next`. */
export function valueAtPath(body: unknown, path: string): unknown {
  const nodes = select(body, parseRecordsPath(path));
  return nodes.length === 1 ? nodes[0] : nodes.length === 0 ? undefined : nodes;
}

function select(body: unknown, segments: Segment[]): unknown[] {
  let nodes: unknown[] = [body];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (node === null || typeof node !== 'object') continue;
      if ('wildcard' in segment) next.push(...(Array.isArray(node) ? node : Object.values(node)));
      else if ('index' in segment) {
        if (Array.isArray(node) && segment.index < node.length) next.push(node[segment.index]);
      } else if (segment.key in node) next.push((node as Record<string, unknown>)[segment.key]);
    }
    nodes = next;
  }
  return nodes;
}

/**
 * The records of a response: an array at the path gives its elements, an object gives one
 * record, nothing gives none. Values that are not objects become `{ value }`.
 *
 * @example
 * extractRecords({ data: { items: [{ id: 1 }] } }, '$.data.items[*]'); // [{ id: 1 }]
 */
export function extractRecords(body: unknown, path?: string): Array<Record<string, unknown>> {
  const nodes = path && path.trim() !== '' && path.trim() !== '$' ? select(body, parseRecordsPath(path)) : [body];
  const records: Array<Record<string, unknown>> = [];
  for (const node of nodes) {
    // `data.items` and `data.items[*]` agree: an array found at the path is unwrapped once.
    for (const item of Array.isArray(node) ? node : [node]) {
      if (item === null || item === undefined) continue;
      records.push(typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : { value: item });
    }
  }
  return records;
}
