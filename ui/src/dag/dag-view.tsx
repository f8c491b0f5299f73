/**
 * A DAG drawn with React Flow: tasks (or datasets) laid out left to right by elkjs once per
 * `layoutKey`, coloured by live status. Built to stay fluid at a thousand nodes: only the
 * visible elements render, node components are memoised, and a status change re-creates only
 * the node objects whose status or selection changed.
 */
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeMouseHandler,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo, useRef, type CSSProperties } from 'react';
import { ACTIVE_STATUSES, statusColor, statusLabel } from '../status.ts';
import { useTheme } from '../theme.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { useGraphLayout, type GraphInput } from './dag-layout.ts';

export interface DagNodeSpec {
  id: string;
  label: string;
  /** A second line: the task kind, or "dataset". */
  sublabel?: string;
  shape?: 'task' | 'dataset';
}

export interface DagEdgeSpec {
  source: string;
  target: string;
}

export interface DagViewProps {
  /** Identifies the graph's shape (such as `pipeline@version`): the layout is computed once per key. */
  layoutKey: string;
  nodes: DagNodeSpec[];
  edges: DagEdgeSpec[];
  statuses?: ReadonlyMap<string, string>;
  selected?: string | null;
  onSelect?: (id: string) => void;
  height?: number;
  /** Names the graph for assistive technology. */
  label: string;
}

export const NODE_WIDTH = 188;
export const NODE_HEIGHT = 50;

type DagNodeData = { label: string; sublabel: string; status: string | null; shape: 'task' | 'dataset' };
type DagNode = Node<DagNodeData, 'dag'>;

const DagNodeView = memo(function DagNodeView({ data, selected }: NodeProps<DagNode>) {
  const { status } = data;
  const style = { '--status': status ? statusColor(status) : 'var(--border-strong)' } as CSSProperties;
  const classes = ['dag-node', `dag-node-${data.shape}`, selected ? 'is-selected' : '', status && ACTIVE_STATUSES.has(status) ? 'is-active' : ''].join(' ');
  return (
    <div className={classes} style={style} data-status={status ?? undefined} title={status ? `${data.label}: ${statusLabel(status)}` : data.label}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="dag-node-label">{data.label}</div>
      <div className="dag-node-sub">
        {status ? <span className="dag-node-status">{statusLabel(status)}</span> : null}
        <span>{data.sublabel}</span>
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { dag: DagNodeView };

interface CachedNode {
  spec: DagNodeSpec;
  status: string | null;
  selected: boolean;
  x: number;
  y: number;
  node: DagNode;
}

export function DagView({ layoutKey, nodes, edges, statuses, selected = null, onSelect, height = 380, label }: DagViewProps) {
  const { theme } = useTheme();
  const graph: GraphInput = useMemo(
    () => ({
      nodes: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: edges.map((e, i) => ({ id: `e${i}`, source: e.source, target: e.target })),
    }),
    // The graph's shape changes only with its key; statuses change without a new layout.
    [layoutKey],
  );
  const layout = useGraphLayout(layoutKey, graph);
  const cache = useRef(new Map<string, CachedNode>());

  const flowNodes = useMemo(() => {
    const positions = layout.positions;
    if (!positions) return [];
    const next = new Map<string, CachedNode>();
    const out: DagNode[] = [];
    for (const spec of nodes) {
      const position = positions.get(spec.id) ?? { x: 0, y: 0 };
      const status = statuses?.get(spec.id) ?? null;
      const isSelected = selected === spec.id;
      const old = cache.current.get(spec.id);
      let node: DagNode;
      if (old && old.spec === spec && old.status === status && old.selected === isSelected && old.x === position.x && old.y === position.y) {
        node = old.node;
      } else {
        node = {
          id: spec.id,
          type: 'dag',
          position,
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
          selected: isSelected,
          ariaLabel: `${spec.shape === 'dataset' ? 'Dataset' : 'Task'} ${spec.label}${status ? `: ${statusLabel(status)}` : ''}`,
          data: { label: spec.label, sublabel: spec.sublabel ?? '', status, shape: spec.shape ?? 'task' },
        };
      }
      next.set(spec.id, { spec, status, selected: isSelected, x: position.x, y: position.y, node });
      out.push(node);
    }
    cache.current = next;
    return out;
  }, [layout.positions, nodes, statuses, selected]);

  const flowEdges: Edge[] = useMemo(
    () => edges.map((e, i) => ({ id: `e${i}`, source: e.source, target: e.target, type: edges.length > 400 ? 'straight' : 'default', focusable: false })),
    [edges],
  );

  const onNodeClick: NodeMouseHandler<DagNode> = (_event, node) => onSelect?.(node.id);
  const large = nodes.length > 120;
  // A large graph opens on its first layer at a readable zoom, rather than on all of it, tiny.
  const startViewport = useMemo(() => {
    if (!large || !layout.positions) return undefined;
    const points = [...layout.positions.values()];
    const minX = Math.min(...points.map((p) => p.x));
    const first = points.filter((p) => p.x <= minX + NODE_WIDTH / 2).map((p) => p.y);
    const middle = (Math.min(...first) + Math.max(...first) + NODE_HEIGHT) / 2;
    const zoom = 0.7;
    return { x: 24 - minX * zoom, y: height / 2 - middle * zoom, zoom };
  }, [large, layout.positions, height]);

  if (layout.error && !layout.positions) return <ErrorState error={layout.error} compact />;
  return (
    <div className={`dag${large ? ' dag-large' : ''}`} style={{ height }} role="group" aria-label={label} aria-busy={layout.provisional}>
      {layout.provisional ? (
        <div className="dag-note" role="status">
          Refining the layout of {nodes.length.toLocaleString()} nodes…
        </div>
      ) : null}
      {layout.positions ? (
        <ReactFlow
          // A new mount fits the view again when the final layout replaces the first one.
          key={layout.provisional ? 'quick' : 'final'}
          nodes={flowNodes}
          edges={flowEdges}
          nodeTypes={nodeTypes}
          colorMode={theme}
          onNodeClick={onNodeClick}
          onlyRenderVisibleElements={large}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={Boolean(onSelect)}
          fitView={!startViewport}
          fitViewOptions={{ padding: 0.15, maxZoom: 1.1, minZoom: 0.3 }}
          {...(startViewport ? { defaultViewport: startViewport } : {})}
          minZoom={0.05}
          maxZoom={2}
          proOptions={{ hideAttribution: false }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} position="bottom-left" />
          {large ? <MiniMap pannable zoomable nodeColor={(n) => statusColor((n.data as DagNodeData).status)} ariaLabel="Overview of the graph" /> : null}
        </ReactFlow>
      ) : (
        <Loading label="Laying out the graph…" rows={2} />
      )}
    </div>
  );
}
