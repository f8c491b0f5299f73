/**
 * The DAG of a stored spec, as the engine derives it (src/core/dag.ts): an edge for each
 * `depends_on`, and one from the task writing a dataset to each task reading it.
 */
import type { PipelineSpecView } from '../api/types.ts';
import type { DagEdgeSpec, DagNodeSpec } from './dag-view.tsx';

export interface SpecGraph {
  nodes: DagNodeSpec[];
  edges: DagEdgeSpec[];
}

export function specGraph(spec: PipelineSpecView): SpecGraph {
  const tasks = Array.isArray(spec.tasks) ? spec.tasks : [];
  const ids = new Set(tasks.map((t) => t.id));
  const producers = new Map<string, string>();
  for (const task of tasks) for (const output of task.outputs ?? []) if (!producers.has(output)) producers.set(output, task.id);
  const nodes: DagNodeSpec[] = tasks.map((task) => ({ id: task.id, label: task.name ?? task.id, sublabel: task.kind, shape: 'task' }));
  const edges: DagEdgeSpec[] = [];
  for (const task of tasks) {
    const ups = new Set<string>();
    for (const dep of task.depends_on ?? []) if (ids.has(dep) && dep !== task.id) ups.add(dep);
    for (const input of task.inputs ?? []) {
      const producer = producers.get(input);
      if (producer !== undefined && producer !== task.id) ups.add(producer);
    }
    for (const up of ups) edges.push({ source: up, target: task.id });
  }
  return { nodes, edges };
}
