/**
 * The nodes of a dbt project graph. Glossary:
 * - model: a SELECT in `models/**.sql`, materialised as a view, table or incremental table, or
 *   inlined into its dependents as a CTE (ephemeral).
 * - seed: a CSV file in `seeds/`, loaded as a table.
 * - test: a query returning failing rows; generic (declared in a properties file on a column or
 *   model: unique, not_null, accepted_values, relationships, or a project `{% test %}`) or
 *   singular (`tests/*.sql`).
 * - source: a table the project reads but does not build, declared under `sources:`.
 */
import type nunjucks from 'nunjucks';
import type { RelationParts } from './adapters/model-adapter.ts';
import type { NodeConfig } from './node-config.ts';

/** The kinds of node the runner builds. */
export const RESOURCE_TYPES = ['model', 'seed', 'test'] as const;
/** A kind of node. */
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** A documented column. */
export interface ColumnDoc {
  name: string;
  description: string;
}

/** A generic test as declared in a properties file. */
export interface GenericTest {
  /** `unique`, `not_null`, `accepted_values`, `relationships` or a project `{% test %}`. */
  name: string;
  /** Its arguments (`values`, `to`, `field`, ...). */
  args: Record<string, unknown>;
  column?: string;
  /** Unique id of the model, seed or source under test. */
  attachedTo: string;
}

/** A model, seed or test of the project graph. */
export interface DbtNode {
  /** `model.jaffle.stg_orders`, `seed.jaffle.raw_orders`, `test.jaffle.unique_orders_order_id`. */
  uniqueId: string;
  name: string;
  resourceType: ResourceType;
  /** Project-relative file: the SQL or CSV file, or the properties file of a generic test. */
  path: string;
  /** Project name, folders, node name: what folder configs and `fqn` selectors match. */
  fqn: string[];
  config: NodeConfig;
  /** Unique ids of the models and seeds it reads, from `ref()`. */
  dependsOn: string[];
  /** Unique ids of the sources it reads, from `source()`. */
  sources: string[];
  description: string;
  columns: ColumnDoc[];
  /** Where it is materialised (models and seeds). */
  relation?: RelationParts;
  /** SQL before rendering (models, singular tests). */
  rawSql?: string;
  template?: nunjucks.Template;
  /** Absolute path of a seed's CSV. */
  seedFile?: string;
  test?: GenericTest;
}

/** One table of a declared source. */
export interface SourceTable {
  /** `source.jaffle.raw.orders`. */
  uniqueId: string;
  sourceName: string;
  name: string;
  relation: RelationParts;
  description: string;
  columns: ColumnDoc[];
  /** The properties file that declares it. */
  path: string;
}

/** Whether a node is a model that is inlined rather than built. */
export function isEphemeral(node: DbtNode): boolean {
  return node.resourceType === 'model' && node.config.materialized === 'ephemeral';
}
