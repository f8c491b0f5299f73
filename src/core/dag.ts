/**
 * The DAG of a pipeline: edges from `depends_on` and from datasets (a task reading a dataset
 * that another task of the pipeline writes depends on that task), checked for unknown ids,
 * duplicates and cycles, with a topological order.
 */
import { ValidationError, type Issue } from './errors.ts';

/** The minimum a DAG needs of a task. */
export interface DagNode {
  id: string;
  depends_on: readonly string[];
  inputs?: readonly string[];
  outputs?: readonly string[];
}

/** A checked DAG: upstream and downstream ids per task, and one topological order. */
export interface Dag {
  order: string[];
  upstream: Map<string, string[]>;
  downstream: Map<string, string[]>;
}

/** Builds and checks the DAG; throws a ValidationError (code DAG_INVALID) listing every problem. */
export function buildDag(nodes: readonly DagNode[], pathPrefix = 'tasks'): Dag {
  const issues: Issue[] = [];
  const index = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (index.has(node.id)) {
      issues.push({ path: `${pathPrefix}[${i}].id`, message: `duplicate task id '${node.id}' (also at ${pathPrefix}[${index.get(node.id)}])` });
    } else {
      index.set(node.id, i);
    }
  });

  const producers = new Map<string, string>();
  nodes.forEach((node, i) => {
    for (const output of node.outputs ?? []) {
      const other = producers.get(output);
      if (other !== undefined && other !== node.id) {
        issues.push({ path: `${pathPrefix}[${i}].outputs`, message: `dataset '${output}' is already written by task '${other}'` });
      } else {
        producers.set(output, node.id);
      }
    }
  });

  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const node of nodes) {
    upstream.set(node.id, []);
    downstream.set(node.id, []);
  }
  nodes.forEach((node, i) => {
    const ups = new Set<string>();
    node.depends_on.forEach((dep, j) => {
      if (!index.has(dep)) {
        issues.push({ path: `${pathPrefix}[${i}].depends_on[${j}]`, message: `unknown task '${dep}'` });
      } else if (dep === node.id) {
        issues.push({ path: `${pathPrefix}[${i}].depends_on[${j}]`, message: `task '${dep}' depends on itself` });
      } else {
        ups.add(dep);
      }
    });
    for (const input of node.inputs ?? []) {
      const producer = producers.get(input);
      if (producer !== undefined && producer !== node.id) ups.add(producer);
    }
    upstream.set(node.id, [...ups]);
  });
  if (issues.length > 0) throw new ValidationError('invalid pipeline DAG', issues, 'DAG_INVALID');

  for (const [id, ups] of upstream) for (const up of ups) downstream.get(up)?.push(id);

  // Kahn's algorithm keeps the declaration order among ready tasks, so orders are stable.
  const remaining = new Map<string, number>();
  for (const [id, ups] of upstream) remaining.set(id, ups.length);
  const ready = nodes.filter((node) => remaining.get(node.id) === 0).map((node) => node.id);
  const order: string[] = [];
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head] as string;
    order.push(id);
    for (const down of downstream.get(id) ?? []) {
      const left = (remaining.get(down) ?? 0) - 1;
      remaining.set(down, left);
      if (left === 0) ready.push(down);
    }
  }
  if (order.length !== nodes.length) {
    const cycle = findCycle(upstream, new Set(order));
    throw new ValidationError('invalid pipeline DAG', [{ path: pathPrefix, message: `cycle: ${cycle.join(' -> ')}` }], 'DAG_INVALID');
  }
  return { order, upstream, downstream };
}

/** Finds one cycle among the tasks not ordered, as `a -> b -> c -> a`. */
function findCycle(upstream: Map<string, string[]>, ordered: Set<string>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const up of upstream.get(id) ?? []) {
      if (ordered.has(up)) continue;
      if (state.get(up) === 'visiting') {
        // The path runs against the edges; reverse it so it reads in execution order.
        const loop = stack.slice(stack.indexOf(up)).reverse();
        return [...loop, loop[0] as string];
      }
      if (!state.has(up)) {
        const found = visit(up);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of upstream.keys()) {
    if (ordered.has(id) || state.has(id)) continue;
    const found = visit(id);
    if (found) return found;
  }
  return [];
}
