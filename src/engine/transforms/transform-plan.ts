/**
 * What compiling a transform gives: one SELECT when every step is SQL, or a plan of segments
 * when `function` steps run TypeScript between SQL parts. Also the context each step compiler
 * receives.
 *
 * Glossary
 * - relation: anything DuckDB can read FROM: `read_parquet([...])`, a table name, a CTE name.
 * - segment: one SQL query, or one function step reading the previous query's rows.
 * - step CTE: each step is a CTE `step_N` (N: its index in `steps`) reading the one before.
 */
import type { ColumnInfo } from '../../connectors/connector.ts';
import type { StepFunction } from './function-step.ts';

/** A query of the plan: a single SELECT (a chain of CTEs). */
export interface SqlSegment {
  kind: 'sql';
  sql: string;
  /** Indexes of the steps compiled into this query. */
  steps: number[];
}

/**
 * A function step: runs over the rows of the previous SQL segment, and the next SQL segment
 * reads its output from the relation named `output` (bind it, e.g. as a temp view, or let
 * `executeTransform` substitute the staged file).
 */
export interface FunctionSegment {
  kind: 'function';
  step: number;
  /** Module path, relative to the spec's folder. */
  module?: string;
  export: string;
  /** A function given directly (TypeScript pipelines). */
  fn?: StepFunction;
  batchSize: number;
  /** Declared output columns, when the step gives them. */
  columns?: ColumnInfo[];
  /** Relation name the next segment reads. */
  output: string;
}

export type TransformSegment = SqlSegment | FunctionSegment;

/**
 * A compiled transform. `sql` is the last segment's query: with no function steps it is the
 * whole transform.
 * @example
 * { sql: 'WITH ... SELECT * FROM "step_2"', segments: [{ kind: 'sql', sql: '...', steps: [0, 1, 2] }] }
 * // with a function step at index 1:
 * [{ kind: 'sql', sql: 'WITH "input_0" AS (...), "step_0" AS (...) SELECT * FROM "step_0"', steps: [0] },
 *  { kind: 'function', step: 1, module: './steps.ts', export: 'enrich', batchSize: 10000, output: '__transform_fn_1' },
 *  { kind: 'sql', sql: 'WITH "input_0" AS (SELECT * FROM "__transform_fn_1"), "step_2" AS (...) SELECT * FROM "step_2"', steps: [2] }]
 */
export interface TransformPlan {
  sql: string;
  segments: TransformSegment[];
  /** Columns of `sql`, when compiling bound it (validate mode). */
  columns?: ColumnInfo[];
}

/** A relation a step can read, with its columns when they can be known before running. */
export interface RelationHandle {
  /** Quoted CTE name. */
  readonly name: string;
  columns(): Promise<ColumnInfo[] | undefined>;
}

/** What a step compiler gets. */
export interface StepContext {
  readonly index: number;
  /** Where the step is in the config: `steps[3].join`. */
  readonly path: string;
  /** The relation of the previous step (or the first input). */
  readonly input: RelationHandle;
  /** A named input dataset; throws a located error when there is no such input. */
  dataset(name: string, path: string): RelationHandle;
  /** Columns of a relation; throws a located error when they cannot be known before running. */
  require(relation: RelationHandle, path: string): Promise<ColumnInfo[]>;
  /** A user SQL expression, with `{{ params.x }}` rendered and checked to stay in its place. */
  expr(text: string, path: string): string;
  /** A user SQL query (a `sql` step), with `{{input}}`, refs and params rendered and checked. */
  query(text: string, path: string): string;
  /** A quoted name for an extra CTE of this step (`step_3_x0`). */
  cteName(suffix: string): string;
}

/** What a step compiles to: the body of its CTE, CTEs it needs before, and its columns if known. */
export interface StepSql {
  body: string;
  before?: Array<{ name: string; body: string }>;
  columns?: ColumnInfo[];
}
