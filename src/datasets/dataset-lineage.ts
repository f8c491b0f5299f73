/**
 * The lineage graph around a dataset, from the `inputs` of dataset versions: each version
 * records the versions its task read. Upstream follows the inputs of the dataset's latest
 * version, downstream finds the datasets whose latest versions read it; the task that wrote a
 * version sits between its inputs and its dataset (dataset -> task -> dataset).
 *
 * Downstream needs the reverse edges, which the store does not index, so the latest version
 * of every dataset is read once per call: fine for hundreds of datasets, to revisit with a
 * store query when catalogs grow past that.
 */
import { NotFoundError } from '../core/errors.ts';
import type { DatasetRecord, DatasetVersionRecord, Store } from '../store/store.ts';

export interface LineageNode {
  /** `dataset:<name>` or `task:<pipelineId>/<taskId>`. */
  id: string;
  kind: 'dataset' | 'task';
  /** The dataset name, or the task id. */
  name: string;
  /** For a task: its pipeline; for a dataset: the pipeline that wrote its latest version. */
  pipelineId?: string;
  /** For a dataset: rows of its latest version. */
  rows?: number;
}

export interface LineageEdge {
  from: string;
  to: string;
}

export interface DatasetLineage {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** Latest versions by dataset name, and who reads each dataset. */
interface CatalogSnapshot {
  datasets: Map<string, DatasetRecord>;
  latest: Map<string, DatasetVersionRecord>;
  readers: Map<string, DatasetVersionRecord[]>;
}

/**
 * The graph within `depth` datasets of `name`, both ways. Throws NOT_FOUND for an unknown dataset.
 * @example
 * const { nodes, edges } = await datasetLineage(platform.store, 'orders_clean', 3);
 */
export async function datasetLineage(store: Store, name: string, depth: number): Promise<DatasetLineage> {
  const snapshot = await readCatalog(store);
  if (!snapshot.datasets.has(name)) throw new NotFoundError('dataset', name);
  const graph = new GraphBuilder(snapshot);
  graph.dataset(name);
  walk([name], depth, (dataset) => {
    const version = snapshot.latest.get(dataset);
    if (!version) return [];
    graph.producer(version);
    return version.inputs.map((input) => input.dataset);
  });
  walk([name], depth, (dataset) => {
    const readers = snapshot.readers.get(dataset) ?? [];
    for (const version of readers) graph.producer(version);
    return readers.map((version) => version.dataset);
  });
  return graph.result();
}

/** Breadth-first over datasets, `depth` hops at most; `step` adds a dataset's edges and returns its neighbours. */
function walk(start: string[], depth: number, step: (dataset: string) => string[]): void {
  const seen = new Set(start);
  let frontier = start;
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const dataset of frontier) {
      for (const neighbour of step(dataset)) {
        if (seen.has(neighbour)) continue;
        seen.add(neighbour);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
}

async function readCatalog(store: Store): Promise<CatalogSnapshot> {
  const records = await store.listDatasets();
  const versions = await Promise.all(records.map((record) => (record.latestVersionId ? store.getDatasetVersion(record.latestVersionId) : undefined)));
  const snapshot: CatalogSnapshot = { datasets: new Map(records.map((r) => [r.name, r])), latest: new Map(), readers: new Map() };
  for (const version of versions) {
    if (!version) continue;
    snapshot.latest.set(version.dataset, version);
    for (const input of version.inputs) {
      const readers = snapshot.readers.get(input.dataset) ?? [];
      readers.push(version);
      snapshot.readers.set(input.dataset, readers);
    }
  }
  return snapshot;
}

/** Collects nodes and edges once each. */
class GraphBuilder {
  private readonly nodes = new Map<string, LineageNode>();
  private readonly edges = new Map<string, LineageEdge>();

  constructor(private readonly snapshot: CatalogSnapshot) {}

  dataset(name: string): string {
    const id = `dataset:${name}`;
    if (!this.nodes.has(id)) {
      const record = this.snapshot.datasets.get(name);
      this.nodes.set(id, { id, kind: 'dataset', name, ...(record ? { pipelineId: record.pipelineId, rows: record.rows } : {}) });
    }
    return id;
  }

  /** The task that wrote `version`, with its edges: each input -> task -> the version's dataset. */
  producer(version: DatasetVersionRecord): void {
    const id = `task:${version.pipelineId}/${version.taskId}`;
    if (!this.nodes.has(id)) this.nodes.set(id, { id, kind: 'task', name: version.taskId, pipelineId: version.pipelineId });
    this.edge(id, this.dataset(version.dataset));
    for (const input of version.inputs) this.edge(this.dataset(input.dataset), id);
  }

  result(): DatasetLineage {
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }

  private edge(from: string, to: string): void {
    this.edges.set(`${from}\u0000${to}`, { from, to });
  }
}
