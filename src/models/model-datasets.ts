/**
 * Publishes the models a dbt task built as platform datasets, with lineage. While the build's
 * adapter is still open, each successful table, view, incremental model and seed is exported to
 * Parquet through the project's own DuckDB connection (so the project database file is never
 * opened twice in one process); then each is staged and published in DAG order under the
 * model's name, its `inputs` pointing at the datasets of the models and seeds it reads
 * (through ephemeral models, and through sources that name a seed's table).
 *
 * Postgres targets are not exported: their models stay in the warehouse (see the user guide).
 */
import path from 'node:path';
import { isErrorCode } from '../core/errors.ts';
import type { DataPlane } from '../datasets/data-plane.ts';
import { quoteLiteral } from '../engine/sql-quote.ts';
import type { TaskContext } from '../runtime/task-context.ts';
import type { AfterBuildContext } from './build.ts';
import type { DbtProject } from './dbt-project.ts';
import { isEphemeral, type DbtNode } from './dbt-node.ts';

/** A model or seed written to a Parquet file, waiting to be published. */
export interface ExportedModel {
  name: string;
  uniqueId: string;
  file: string;
  /** Names of the models and seeds whose datasets it reads. */
  upstream: string[];
  relation: string;
  materialized: string;
}

/** A published dataset version of a model. */
export interface PublishedModel {
  name: string;
  version: string;
  rows: number;
  inputs: string[];
}

/** Exports every model and seed that was built in this build (a no-op on adapters without Parquet export). */
export async function exportBuiltModels(ctx: AfterBuildContext, dir: string): Promise<ExportedModel[]> {
  const { adapter, project } = ctx;
  if (!adapter.exportParquet) return [];
  const exported: ExportedModel[] = [];
  for (const result of ctx.results) {
    if (result.status !== 'success' || (result.resourceType !== 'model' && result.resourceType !== 'seed')) continue;
    const node = project.node(result.uniqueId);
    if (isEphemeral(node) || !node.relation) continue;
    const file = path.join(dir, `${node.name}.parquet`);
    await adapter.exportParquet(node.relation, file);
    exported.push({
      name: node.name,
      uniqueId: node.uniqueId,
      file,
      upstream: datasetParents(project, node),
      relation: `${node.relation.schema}.${node.relation.identifier}`,
      materialized: node.resourceType === 'seed' ? 'seed' : String(node.config.materialized),
    });
  }
  return exported;
}

/** Stages and publishes each exported model, in the order given (the DAG's). */
export async function publishModelDatasets(plane: DataPlane, task: TaskContext, exported: readonly ExportedModel[]): Promise<PublishedModel[]> {
  const published: PublishedModel[] = [];
  for (const model of exported) {
    // One session per model: a session's inputs become the lineage of everything it stages.
    const session = await plane.openSession(task);
    try {
      const inputs: string[] = [];
      for (const upstream of model.upstream) {
        try {
          await session.input(upstream);
          inputs.push(upstream);
        } catch (error) {
          // An upstream never published (not selected in any run yet) simply has no lineage edge.
          if (!isErrorCode(error, 'VALIDATION_ERROR') && !isErrorCode(error, 'NOT_FOUND')) throw error;
        }
      }
      const version = await session.stage(model.name, `SELECT * FROM read_parquet(${quoteLiteral(model.file)})`, {
        stats: { dbt_node: model.uniqueId, materialized: model.materialized, relation: model.relation },
      });
      await session.publish();
      published.push({ name: model.name, version: version.id, rows: version.rows, inputs });
    } finally {
      await session.close();
    }
  }
  return published;
}

/**
 * The models and seeds whose datasets a node reads: its refs, looking through ephemeral models,
 * and seeds whose table a source it reads names.
 */
function datasetParents(project: DbtProject, node: DbtNode): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (current: DbtNode) => {
    for (const sourceId of current.sources) {
      const source = project.sources.get(sourceId);
      const seed = [...project.nodes.values()].find(
        (n) => n.resourceType === 'seed' && n.relation && source && n.relation.schema === source.relation.schema && n.relation.identifier === source.relation.identifier,
      );
      if (seed) out.add(seed.name);
    }
    for (const id of current.dependsOn) {
      if (seen.has(id)) continue;
      seen.add(id);
      const parent = project.nodes.get(id);
      if (!parent) continue;
      if (isEphemeral(parent)) visit(parent);
      else out.add(parent.name);
    }
  };
  visit(node);
  return [...out];
}
