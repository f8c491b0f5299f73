/**
 * Node selection as dbt's `--select` / `--exclude`: space-separated selectors are a union,
 * comma-joined ones an intersection. A selector is a name (globs allowed), a path, or
 * `method:value` (tag, path, fqn, config.<key>, resource_type, source, test_type, test_name),
 * with graph operators `+x` (ancestors), `x+` (descendants), `2+x` / `x+1` (depth) and `@x`.
 * Tests follow what they test: selecting or excluding a model selects or excludes its tests
 * (`indirectSelection`: eager, the default, takes a test when any node it tests is selected;
 * cautious when all are; buildable when all are selected or upstream of the selection; empty
 * never). Exclusion is always eager.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { ValidationError } from '../core/errors.ts';
import type { DbtProject } from './dbt-project.ts';
import type { DbtNode } from './dbt-node.ts';
import { configList } from './node-config.ts';

/** How tests follow selected models, as dbt's `--indirect-selection`. */
export const INDIRECT_SELECTIONS = ['eager', 'cautious', 'buildable', 'empty'] as const;
/** One indirect selection mode. */
export type IndirectSelection = (typeof INDIRECT_SELECTIONS)[number];

/** What to select; empty `select` means every node. */
export interface SelectionOptions {
  select?: readonly string[];
  exclude?: readonly string[];
  indirectSelection?: IndirectSelection;
}

const METHODS = ['tag', 'path', 'fqn', 'resource_type', 'source', 'test_type', 'test_name'] as const;

/** Splits selector arguments on spaces (`--select "a b"` and `--select a b` are the same). */
export function splitSelectors(values: readonly string[] | string | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  return list.flatMap((v) => v.split(/\s+/)).filter((v) => v.length > 0);
}

/** The unique ids the selectors give. */
export function selectNodes(project: DbtProject, options: SelectionOptions): Set<string> {
  const select = splitSelectors(options.select);
  const exclude = splitSelectors(options.exclude);
  const all = [...project.nodes.keys()];
  const chosen = withTests(project, select.length === 0 ? new Set(all) : union(project, select), options.indirectSelection ?? 'eager');
  const removed = withTests(project, exclude.length === 0 ? new Set<string>() : union(project, exclude), 'eager');
  return new Set(all.filter((id) => chosen.has(id) && !removed.has(id)));
}

function union(project: DbtProject, selectors: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const selector of selectors) for (const id of intersection(project, selector)) out.add(id);
  return out;
}

function intersection(project: DbtProject, selector: string): Set<string> {
  const parts = selector.split(',').filter(Boolean);
  let result: Set<string> | undefined;
  for (const part of parts) {
    const ids = withGraph(project, part);
    result = result === undefined ? ids : new Set([...result].filter((id) => ids.has(id)));
  }
  return result ?? new Set();
}

/** Tests of the nodes in the set join it, as `mode` says. */
function withTests(project: DbtProject, ids: Set<string>, mode: IndirectSelection): Set<string> {
  const out = new Set(ids);
  if (mode === 'empty') return out;
  const upstream = new Set<string>();
  if (mode === 'buildable') for (const id of ids) for (const a of project.graph.ancestors(id)) upstream.add(a);
  for (const node of project.nodes.values()) {
    if (node.resourceType !== 'test') continue;
    const parents = [...node.dependsOn, ...node.sources];
    const take =
      mode === 'eager'
        ? parents.some((id) => ids.has(id))
        : parents.some((id) => ids.has(id)) && parents.every((id) => ids.has(id) || id.startsWith('source.') || (mode === 'buildable' && upstream.has(id)));
    if (take) out.add(node.uniqueId);
  }
  return out;
}

function withGraph(project: DbtProject, selector: string): Set<string> {
  const match = /^(@)?(?:(\d*)\+)?(.*?)(?:\+(\d*))?$/.exec(selector);
  if (!match || !match[3]) throw new ValidationError(`invalid selector '${selector}'`);
  const [, at, up, core, down] = match;
  const depth = (digits: string | undefined) => (digits ? Number(digits) : undefined);
  const base = matchAtom(project, core as string);
  const out = new Set(base);
  for (const id of base) {
    if (up !== undefined) for (const a of project.graph.ancestors(id, depth(up))) out.add(a);
    if (down !== undefined || at) for (const d of project.graph.descendants(id, depth(down))) out.add(d);
  }
  if (at) for (const id of [...out]) for (const a of project.graph.ancestors(id)) out.add(a);
  // `source:raw+` starts from a source, which is not a node: its readers and their descendants.
  if (core?.startsWith('source:') && down !== undefined) {
    for (const node of project.nodes.values()) {
      if (node.sources.some((s) => sourceMatches(s, core.slice(7)))) {
        out.add(node.uniqueId);
        for (const d of project.graph.descendants(node.uniqueId)) out.add(d);
      }
    }
  }
  return out;
}

function sourceMatches(sourceId: string, value: string): boolean {
  const [, , sourceName, table] = sourceId.split('.');
  const [wantSource, wantTable] = value.split('.');
  return picomatch.isMatch(sourceName ?? '', wantSource ?? '') && (wantTable === undefined || picomatch.isMatch(table ?? '', wantTable));
}

function matchAtom(project: DbtProject, atom: string): Set<string> {
  const colon = atom.indexOf(':');
  let method = colon > 0 ? atom.slice(0, colon) : undefined;
  const value = colon > 0 ? atom.slice(colon + 1) : atom;
  if (method === undefined) method = looksLikePath(project, value) ? 'path' : 'fqn';
  if (!method.startsWith('config.') && !(METHODS as readonly string[]).includes(method)) {
    throw new ValidationError(`unknown selector method '${method}:' (use ${METHODS.join(', ')} or config.<key>)`);
  }
  const test = predicate(project, method, value);
  return new Set([...project.nodes.values()].filter(test).map((n) => n.uniqueId));
}

function looksLikePath(project: DbtProject, value: string): boolean {
  return value.includes('/') || /\.(sql|csv)$/.test(value) || (!value.includes('*') && existsSync(path.join(project.dir, value)) && value !== project.name);
}

function predicate(project: DbtProject, method: string, value: string): (node: DbtNode) => boolean {
  const glob = picomatch(value);
  switch (method) {
    case 'tag':
      return (node) => configList(node.config.tags).some((t) => glob(t));
    case 'path': {
      const wanted = value.replace(/\/+$/, '').replace(/^\.\//, '');
      const pathGlob = picomatch(wanted);
      return (node) => node.path === wanted || node.path.startsWith(`${wanted}/`) || pathGlob(node.path);
    }
    case 'resource_type':
      return (node) => node.resourceType === value;
    case 'source':
      return () => false;
    case 'test_type':
      return (node) => node.resourceType === 'test' && (value === 'generic' || value === 'schema' ? node.test !== undefined : node.test === undefined);
    case 'test_name':
      return (node) => node.test !== undefined && glob(node.test.name);
    case 'fqn':
      return (node) => glob(node.name) || fqnMatches(node.fqn, value);
    default: {
      const key = method.slice('config.'.length);
      return (node) => configList(node.config[key]).some((v) => v === value);
    }
  }
}

/** `staging.stg_orders`, `jaffle.staging` and `staging` match by fqn prefix, with or without the project. */
function fqnMatches(fqn: readonly string[], value: string): boolean {
  const parts = value.split('.');
  const prefixOf = (list: readonly string[]) => parts.length <= list.length && parts.every((p, i) => picomatch.isMatch(list[i] ?? '', p));
  return prefixOf(fqn) || prefixOf(fqn.slice(1));
}
