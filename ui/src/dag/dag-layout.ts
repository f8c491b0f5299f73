/**
 * Automatic layered layout (left to right) with elkjs, run in a web worker so a DAG of a
 * thousand tasks lays out without freezing the page. Callers cache the result per spec
 * version (useGraphLayout), so a layout runs once per version, not per status change.
 * If the worker cannot start, a simple longest-path layering stands in.
 */
import { useQuery } from '@tanstack/react-query';
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

export interface GraphNodeInput {
  id: string;
  width: number;
  height: number;
}

export interface GraphEdgeInput {
  id: string;
  source: string;
  target: string;
}

export interface GraphInput {
  nodes: GraphNodeInput[];
  edges: GraphEdgeInput[];
}

export type Positions = Map<string, { x: number; y: number }>;

const GAP_X = 70;
const GAP_Y = 22;

let elk: InstanceType<typeof ELK> | null = null;

function getElk(): InstanceType<typeof ELK> {
  elk ??= new ELK({ workerUrl: elkWorkerUrl });
  return elk;
}

async function elkLayout(graph: GraphInput): Promise<Positions> {
  const large = graph.nodes.length > 300;
  const result = await getElk().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': String(GAP_Y),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_X),
      'elk.layered.nodePlacement.strategy': large ? 'SIMPLE' : 'BRANDES_KOEPF',
      'elk.layered.thoroughness': large ? '1' : '7',
      'elk.separateConnectedComponents': 'true',
    },
    children: graph.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions: Positions = new Map();
  for (const child of result.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}

/** Longest-path layers, nodes stacked in declaration order within a layer. */
export function fallbackLayout(graph: GraphInput): Positions {
  const upstream = new Map<string, string[]>(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) upstream.get(edge.target)?.push(edge.source);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const value = Math.max(-1, ...(upstream.get(id) ?? []).map(depth)) + 1;
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  const rows = new Map<number, number>();
  const positions: Positions = new Map();
  for (const node of graph.nodes) {
    const l = depth(node.id);
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    positions.set(node.id, { x: l * (node.width + GAP_X), y: row * (node.height + GAP_Y) });
  }
  return positions;
}

export async function layoutGraph(graph: GraphInput): Promise<Positions> {
  if (graph.nodes.length === 0) return new Map();
  try {
    return await elkLayout(graph);
  } catch {
    return fallbackLayout(graph);
  }
}

/** The layout of a graph, computed once per `key` (such as `pipeline@version`) and kept. */
export function useGraphLayout(key: string, graph: GraphInput) {
  return useQuery({
    queryKey: ['layout', key],
    queryFn: () => layoutGraph(graph),
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    retry: false,
  });
}
