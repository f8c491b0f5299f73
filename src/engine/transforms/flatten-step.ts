/**
 * The `flatten` step: nested STRUCT columns become top-level columns named by their path
 * (`user.geo.country` gives `user_geo_country`), and the LIST columns named in `explode` give
 * one row per element (whose fields are flattened in turn). Other lists are kept, written as
 * JSON text (`keep_arrays: json`) or dropped (`keep_arrays: false`).
 *
 * It needs the input's column types: they decide which columns exist after flattening.
 */
import type { ColumnInfo } from '../../connectors/connector.ts';
import { ValidationError } from '../../core/errors.ts';
import { quoteIdent, quoteLiteral } from '../sql-quote.ts';
import { formatDuckType, parseDuckType, type DuckType } from './duckdb-type.ts';
import type { StepContext, StepSql } from './transform-plan.ts';
import type { TransformStep } from './transform-step.ts';

type FlattenStep = Extract<TransformStep, { kind: 'flatten' }>;

/** A value somewhere in the nested columns: its path, the SQL reaching it, its type. */
interface FlatNode {
  path: string[];
  expr: string;
  type: DuckType;
}

const isList = (type: DuckType) => type.kind === 'list' || type.kind === 'array';

export async function compileFlatten(step: FlattenStep, ctx: StepContext): Promise<StepSql> {
  const columns = await ctx.require(ctx.input, ctx.path);
  const roots: FlatNode[] = columns.map((c) => ({ path: [c.name], expr: quoteIdent(c.name), type: parseDuckType(c.type) }));
  const key = (path: string[]) => JSON.stringify(path);
  // An exploded list is replaced, at its path, by the element column its unnest produced.
  const exploded = new Map<string, FlatNode>();
  const resolve = (node: FlatNode) => exploded.get(key(node.path)) ?? node;
  function* walk(node: FlatNode): Generator<FlatNode> {
    const current = resolve(node);
    yield current;
    if (current.type.kind !== 'struct') return;
    for (const field of current.type.fields) {
      yield* walk({ path: [...current.path, field.name], expr: `struct_extract(${current.expr}, ${quoteLiteral(field.name)})`, type: field.type });
    }
  }
  const allNodes = () => roots.flatMap((root) => [...walk(root)]);

  const before: Array<{ name: string; body: string }> = [];
  let from = ctx.input.name;
  const names = new Set(columns.map((c) => c.name));
  // Explode in the order given, but let `items.tags` wait for `items` when listed first.
  let pending = [...step.explode];
  while (pending.length > 0) {
    const waiting: string[] = [];
    for (const spec of pending) {
      const node = allNodes().find((n) => n.path.join('.') === spec || n.path.join(step.separator) === spec);
      if (!node) {
        waiting.push(spec);
        continue;
      }
      if (!isList(node.type)) {
        throw new ValidationError('cannot explode', [{ path: `${ctx.path}.explode`, message: `'${spec}' is ${formatDuckType(node.type)}, not a list` }]);
      }
      const element = (node.type as { element: DuckType }).element;
      let alias = `__explode_${before.length}`;
      while (names.has(alias)) alias = `_${alias}`;
      const list = node.type.kind === 'array' ? `CAST(${node.expr} AS ${formatDuckType(element)}[])` : node.expr;
      const values = step.keepEmpty ? `CASE WHEN len(coalesce(${list}, [])) = 0 THEN [CAST(NULL AS ${formatDuckType(element)})] ELSE ${list} END` : list;
      const name = ctx.cteName(`x${before.length}`);
      before.push({ name, body: `SELECT *, unnest(${values}) AS ${quoteIdent(alias)} FROM ${from}` });
      from = name;
      exploded.set(key(node.path), { path: node.path, expr: quoteIdent(alias), type: element });
    }
    if (waiting.length === pending.length) {
      const lists = allNodes().filter((n) => isList(n.type)).map((n) => n.path.join('.'));
      const message = `no list column '${waiting[0]}' (lists: ${lists.join(', ') || 'none'})`;
      throw new ValidationError('cannot explode', [{ path: `${ctx.path}.explode`, message }]);
    }
    pending = waiting;
  }

  const items: string[] = [];
  const output: ColumnInfo[] = [];
  const sources = new Map<string, string>();
  const emit = (node: FlatNode, expr: string, type: string) => {
    const name = node.path.join(step.separator);
    const clash = sources.get(name);
    if (clash !== undefined) {
      const message = `'${clash}' and '${node.path.join('.')}' both flatten to '${name}': choose another separator`;
      throw new ValidationError('flatten name clash', [{ path: ctx.path, message }]);
    }
    sources.set(name, node.path.join('.'));
    items.push(`${expr} AS ${quoteIdent(name)}`);
    output.push({ name, type });
  };
  const visit = (raw: FlatNode) => {
    const node = resolve(raw);
    if (node.type.kind === 'struct' && (step.depth === undefined || node.path.length <= step.depth)) {
      for (const field of node.type.fields) {
        visit({ path: [...node.path, field.name], expr: `struct_extract(${node.expr}, ${quoteLiteral(field.name)})`, type: field.type });
      }
    } else if (isList(node.type) && step.keepArrays !== true) {
      if (step.keepArrays === 'json') emit(node, `CAST(to_json(${node.expr}) AS VARCHAR)`, 'VARCHAR');
    } else {
      emit(node, node.expr, formatDuckType(node.type));
    }
  };
  roots.forEach(visit);
  if (items.length === 0) throw new ValidationError('flatten leaves no column', [{ path: ctx.path, message: 'every column was a dropped list' }]);
  return { before, body: `SELECT ${items.join(', ')} FROM ${from}`, columns: output };
}
