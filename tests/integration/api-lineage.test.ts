/**
 * Dataset lineage from real runs: a source -> transform -> transform pipeline publishes three
 * datasets, each version recording the versions its task read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, type ApiHarness } from './api-helpers.ts';

const SPEC = {
  id: 'lin',
  tasks: [
    { id: 'ingest', kind: 'source', outputs: ['raw_events'], config: { connector: { type: 'generator', seed: 7, count: 40 } } },
    { id: 'clean', kind: 'transform', inputs: ['raw_events'], outputs: ['clean_events'], config: { steps: [{ filter: 'event_type IS NOT NULL' }] } },
    { id: 'count', kind: 'transform', inputs: ['clean_events'], outputs: ['event_counts'], config: { steps: [{ aggregate: { group_by: ['event_type'], metrics: { n: 'count' } } }] } },
  ],
};

let api: ApiHarness;

beforeAll(async () => {
  api = await openApi();
  const created = await api.call('POST', '/api/v1/pipelines', { spec: SPEC });
  expect(created.statusCode, created.body).toBe(201);
  const { run } = (await api.call('POST', '/api/v1/pipelines/lin/execute', {})).json();
  const done = await api.platform.waitForRun(run.id);
  expect(done.status, done.error ?? '').toBe('succeeded');
});

afterAll(async () => {
  await api?.close();
});

interface Graph {
  nodes: Array<{ id: string; kind: string; name: string; pipelineId?: string; rows?: number }>;
  edges: Array<{ from: string; to: string }>;
}

async function lineage(name: string, query = ''): Promise<Graph> {
  const res = await api.call('GET', `/api/v1/datasets/${name}/lineage${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const edgeList = (graph: Graph): string[] => graph.edges.map((edge) => `${edge.from} -> ${edge.to}`).sort();

describe('GET /api/v1/datasets/{name}/lineage', () => {
  it('shows the middle dataset with its producer upstream and its reader downstream', async () => {
    const graph = await lineage('clean_events');
    expect(edgeList(graph)).toEqual(
      [
        'dataset:raw_events -> task:lin/clean',
        'task:lin/clean -> dataset:clean_events',
        'dataset:clean_events -> task:lin/count',
        'task:lin/count -> dataset:event_counts',
        'task:lin/ingest -> dataset:raw_events',
      ].sort(),
    );
    const byId = new Map(graph.nodes.map((node) => [node.id, node]));
    expect(byId.get('dataset:raw_events')).toEqual({ id: 'dataset:raw_events', kind: 'dataset', name: 'raw_events', pipelineId: 'lin', rows: 40 });
    expect(byId.get('task:lin/count')).toEqual({ id: 'task:lin/count', kind: 'task', name: 'count', pipelineId: 'lin' });
    expect(graph.nodes).toHaveLength(6);
  });

  it('follows the whole chain upstream from the last dataset and downstream from the first', async () => {
    const up = await lineage('event_counts');
    expect(up.nodes.filter((n) => n.kind === 'dataset').map((n) => n.name).sort()).toEqual(['clean_events', 'event_counts', 'raw_events']);
    expect(edgeList(up)).toContain('task:lin/ingest -> dataset:raw_events');

    const down = await lineage('raw_events');
    expect(down.nodes.filter((n) => n.kind === 'dataset').map((n) => n.name).sort()).toEqual(['clean_events', 'event_counts', 'raw_events']);
    expect(edgeList(down)).toContain('task:lin/count -> dataset:event_counts');
  });

  it('stops after depth datasets each way', async () => {
    const near = await lineage('event_counts', '?depth=1');
    expect(near.nodes.map((n) => n.id).sort()).toEqual(['dataset:clean_events', 'dataset:event_counts', 'task:lin/count']);
    expect(edgeList(near)).toEqual(['dataset:clean_events -> task:lin/count', 'task:lin/count -> dataset:event_counts']);
  });

  it('answers an unknown dataset with 404 and a bad depth with 400', async () => {
    const missing = await api.call('GET', '/api/v1/datasets/ghost/lineage');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'NOT_FOUND', details: { kind: 'dataset', id: 'ghost' } });
    const bad = await api.call('GET', '/api/v1/datasets/raw_events/lineage?depth=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('query.depth');
  });
});
