/**
 * Contracts of GET /api/v1/datasets/{name}/lineage: a graph of datasets and the tasks that
 * wrote them, edges pointing downstream (dataset -> task -> dataset).
 */
import { z } from 'zod';
import type { DatasetLineage as CoreDatasetLineage } from '../../datasets/dataset-lineage.ts';
import { apiSchemas, queryInt } from '../schemas.ts';

export const LineageQuery = z.object({
  depth: queryInt(1, 20).default(3).describe('Dataset hops to follow each way (1-20, default 3)'),
});
export type LineageQuery = z.infer<typeof LineageQuery>;

export const LineageNode = z
  .object({
    id: z.string().describe('`dataset:<name>` or `task:<pipelineId>/<taskId>`'),
    kind: z.enum(['dataset', 'task']),
    name: z.string().describe('The dataset name or the task id'),
    pipelineId: z.string().optional().describe("A task's pipeline; for a dataset, the pipeline that wrote its latest version"),
    rows: z.number().int().optional().describe('For a dataset: rows of its latest version'),
  })
  .register(apiSchemas, { id: 'LineageNode' });
export type LineageNode = z.infer<typeof LineageNode>;

export const DatasetLineage = z
  .object({
    nodes: z.array(LineageNode),
    edges: z.array(z.object({ from: z.string(), to: z.string() })).describe('Upstream to downstream, by node id'),
  })
  .register(apiSchemas, { id: 'DatasetLineage' });
export type DatasetLineage = z.infer<typeof DatasetLineage>;

// Fails to compile when the API's graph and the one the catalog builds drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const lineageMatchesCore: Same<DatasetLineage, CoreDatasetLineage> = true;
void lineageMatchesCore;
