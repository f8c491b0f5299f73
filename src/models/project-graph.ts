/**
 * The DAG of a dbt project: edges from `ref()` (and from tests to what they test), one
 * topological order, and ancestor/descendant walks for selectors (`+model`, `model+`). Cycles
 * are refused with the cycle spelled out.
 */
import { buildDag } from '../core/dag.ts';
import { ValidationError, isErrorCode } from '../core/errors.ts';
import type { DbtNode } from './dbt-node.ts';

/** The checked, ordered DAG of a project's nodes. */
export class ProjectGraph {
  private constructor(
    /** Unique ids in an order where every node comes after what it depends on. */
    readonly order: string[],
    readonly parents: ReadonlyMap<string, readonly string[]>,
    readonly children: ReadonlyMap<string, readonly string[]>,
  ) {}

  /**
   * Orders the nodes (seeds first among equals, then in the given order). `extraParents` adds
   * edges that only order execution, such as a build running a model's tests before its children.
   */
  static build(nodes: readonly DbtNode[], extraParents: ReadonlyMap<string, readonly string[]> = new Map()): ProjectGraph {
    const sorted = [...nodes].sort((a, b) => Number(b.resourceType === 'seed') - Number(a.resourceType === 'seed'));
    const known = new Set(sorted.map((n) => n.uniqueId));
    const selfRef = nodes.find((n) => n.dependsOn.includes(n.uniqueId));
    if (selfRef) throw new ValidationError(`dependency cycle between models: ${selfRef.name} -> ${selfRef.name} (${selfRef.path} refs itself)`, [], 'DAG_INVALID');
    const dagNodes = sorted.map((n) => ({
      id: n.uniqueId,
      depends_on: [...new Set([...n.dependsOn, ...(extraParents.get(n.uniqueId) ?? [])])].filter((id) => known.has(id)),
    }));
    try {
      const dag = buildDag(dagNodes, 'nodes');
      return new ProjectGraph(dag.order, dag.upstream, dag.downstream);
    } catch (error) {
      if (!isErrorCode(error, 'DAG_INVALID') || !(error instanceof ValidationError)) throw error;
      const cycle = error.issues.map((i) => /cycle: (.*)$/.exec(i.message)?.[1]).find(Boolean);
      if (!cycle) throw error;
      const byId = new Map(nodes.map((n) => [n.uniqueId, n]));
      const spelled = cycle
        .split(' -> ')
        .map((id) => byId.get(id)?.name ?? id)
        .join(' -> ');
      const files = [...new Set(cycle.split(' -> ').map((id) => byId.get(id)?.path).filter(Boolean))].join(', ');
      throw new ValidationError(`dependency cycle between models: ${spelled} (${files})`, [], 'DAG_INVALID');
    }
  }

  /** Nodes upstream of `id`, up to `depth` edges away (all when undefined). */
  ancestors(id: string, depth?: number): Set<string> {
    return this.walk(id, this.parents, depth);
  }

  /** Nodes downstream of `id`, up to `depth` edges away (all when undefined). */
  descendants(id: string, depth?: number): Set<string> {
    return this.walk(id, this.children, depth);
  }

  private walk(start: string, edges: ReadonlyMap<string, readonly string[]>, depth?: number): Set<string> {
    const seen = new Set<string>();
    let frontier = [start];
    for (let level = 0; frontier.length > 0 && (depth === undefined || level < depth); level++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const other of edges.get(id) ?? []) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    seen.delete(start);
    return seen;
  }
}
