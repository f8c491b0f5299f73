/**
 * Automatic layered layout (left to right) with elkjs, run in a web worker so the page stays
 * responsive while it works. A layout is computed once per key (a spec version) and kept:
 * in the query cache for this visit and in localStorage for the next ones.
 *
 * ELK's crossing minimisation is what costs at scale (seconds for a thousand tasks), so
 * large graphs get their order from a few barycenter sweeps here (milliseconds) and ELK
 * keeps it; meanwhile the same ordering, placed on a grid, is shown as a first layout.
 */
import { useQuery } from '@tanstack/react-query';
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { useMemo } from 'react';

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

/** Above this many nodes, ordering is done here and a first layout is shown at once. */
export const LARGE_GRAPH = 150;
const GAP_X = 70;
const GAP_Y = 22;
const STORAGE_PREFIX = 'datadog-layout:';
const STORED_LAYOUTS = 24;

let elk: InstanceType<typeof ELK> | null = null;

function getElk(): InstanceType<typeof ELK> {
  elk ??= new ELK({ workerUrl: elkWorkerUrl });
  return elk;
}

/**
 * Longest-path layers and, within each layer, an order from barycenter sweeps (down and up,
 * a few times): few crossings for little work.
 */
export function orderLayers(graph: GraphInput): string[][] {
  const ids = graph.nodes.map((n) => n.id);
  const known = new Set(ids);
  const ups = new Map<string, string[]>(ids.map((id) => [id, []]));
  const downs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target) continue;
    ups.get(e.target)?.push(e.source);
    downs.get(e.source)?.push(e.target);
  }
  // Kahn's order gives layers without recursion (deep chains would overflow the stack).
  const indegree = new Map(ids.map((id) => [id, ups.get(id)?.length ?? 0]));
  const layerOf = new Map<string, number>();
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    const layer = Math.max(-1, ...(ups.get(id) ?? []).map((u) => layerOf.get(u) ?? -1)) + 1;
    layerOf.set(id, layer);
    for (const d of downs.get(id) ?? []) {
      const left = (indegree.get(d) ?? 1) - 1;
      indegree.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  for (const id of ids) if (!layerOf.has(id)) layerOf.set(id, 0); // a cycle: cannot happen in a valid spec
  const layers: string[][] = [];
  for (const id of ids) (layers[layerOf.get(id) as number] ??= []).push(id);
  const dense = layers.filter((l) => l !== undefined);

  const position = new Map<string, number>();
  const place = (layer: string[]): void => layer.forEach((id, i) => position.set(id, i));
  dense.forEach(place);
  const sweep = (layer: string[], neighbours: Map<string, string[]>): void => {
    const key = new Map<string, number>();
    for (const id of layer) {
      const ns = neighbours.get(id) ?? [];
      key.set(id, ns.length > 0 ? ns.reduce((s, n) => s + (position.get(n) ?? 0), 0) / ns.length : (position.get(id) ?? 0));
    }
    layer.sort((a, b) => (key.get(a) as number) - (key.get(b) as number));
    place(layer);
  };
  for (let round = 0; round < 4; round++) {
    for (let i = 1; i < dense.length; i++) sweep(dense[i] as string[], ups);
    for (let i = dense.length - 2; i >= 0; i--) sweep(dense[i] as string[], downs);
  }
  return dense;
}

/** The ordered layers on a grid: instant, and a fair layout by itself. */
export function quickLayout(graph: GraphInput, layers = orderLayers(graph)): Positions {
  const size = new Map(graph.nodes.map((n) => [n.id, n]));
  const tallest = Math.max(0, ...layers.map((l) => l.length));
  const positions: Positions = new Map();
  layers.forEach((layer, x) => {
    // Each layer is centred on the tallest one.
    const offset = ((tallest - layer.length) / 2) * ((size.get(layer[0] ?? '')?.height ?? 50) + GAP_Y);
    layer.forEach((id, y) => {
      const node = size.get(id);
      positions.set(id, { x: x * ((node?.width ?? 188) + GAP_X), y: offset + y * ((node?.height ?? 50) + GAP_Y) });
    });
  });
  return positions;
}

async function elkLayout(graph: GraphInput): Promise<Positions> {
  const large = graph.nodes.length > LARGE_GRAPH;
  // Large graphs: nodes in the order of the sweeps, which ELK keeps (no crossing minimisation of its own).
  const order = large ? orderLayers(graph).flat() : graph.nodes.map((n) => n.id);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const fast = {
    'elk.layered.crossingMinimization.strategy': 'NONE',
    // Layers by longest path from the sources, as orderLayers computes them (LONGEST_PATH would pile every sink in the last layer).
    'elk.layered.layering.strategy': 'LONGEST_PATH_SOURCE',
    'elk.layered.nodePlacement.strategy': 'SIMPLE',
    'elk.layered.greedySwitch.type': 'OFF',
    'elk.layered.thoroughness': '1',
    'elk.edgeRouting': 'POLYLINE',
  };
  const result = await getElk().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': String(GAP_Y),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(GAP_X),
      'elk.separateConnectedComponents': large ? 'false' : 'true',
      ...(large ? fast : { 'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF' }),
    },
    children: order.map((id) => ({ id, width: byId.get(id)?.width ?? 188, height: byId.get(id)?.height ?? 50 })),
    edges: graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions: Positions = new Map();
  for (const child of result.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}

function readStored(key: string, graph: GraphInput): Positions | null {
  try {
    const text = window.localStorage.getItem(STORAGE_PREFIX + key);
    if (!text) return null;
    const entries = JSON.parse(text) as Array<[string, number, number]>;
    const positions: Positions = new Map(entries.map(([id, x, y]) => [id, { x, y }]));
    return graph.nodes.every((n) => positions.has(n.id)) ? positions : null;
  } catch {
    return null;
  }
}

function store(key: string, positions: Positions): void {
  const entries = [...positions].map(([id, p]) => [id, Math.round(p.x), Math.round(p.y)]);
  try {
    // Keep the newest few layouts; drop the oldest first.
    const keys = Object.keys(window.localStorage).filter((k) => k.startsWith(STORAGE_PREFIX));
    if (keys.length >= STORED_LAYOUTS) for (const old of keys.slice(0, keys.length - STORED_LAYOUTS + 1)) window.localStorage.removeItem(old);
    window.localStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(entries));
  } catch {
    // Storage full or refused: the layout is still cached for this visit.
  }
}

export async function layoutGraph(graph: GraphInput): Promise<Positions> {
  if (graph.nodes.length === 0) return new Map();
  try {
    return await elkLayout(graph);
  } catch {
    return quickLayout(graph);
  }
}

export interface GraphLayout {
  positions: Positions | undefined;
  /** True while a first layout stands in for ELK's. */
  provisional: boolean;
  error: unknown;
}

/**
 * The layout of a graph, computed once per `key` (such as `pipeline@version`) and kept.
 * Large graphs show a quick layout until ELK's is ready.
 */
export function useGraphLayout(key: string, graph: GraphInput): GraphLayout {
  const query = useQuery({
    queryKey: ['layout', key],
    queryFn: async () => {
      const stored = readStored(key, graph);
      if (stored) return stored;
      const positions = await layoutGraph(graph);
      store(key, positions);
      return positions;
    },
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    retry: false,
  });
  const large = graph.nodes.length > LARGE_GRAPH;
  const quick = useMemo(() => (large ? quickLayout(graph) : undefined), [large, graph]);
  if (query.data) return { positions: query.data, provisional: false, error: null };
  return { positions: quick, provisional: quick !== undefined, error: query.error };
}
