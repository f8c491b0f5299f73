/**
 * Transforms: declarative steps compiled to DuckDB SQL, TypeScript function steps over record
 * batches, and schema contracts on outputs. What `transform` tasks use.
 */
export { compileTransform, functionOutputName, type CompileTransformOptions } from './compile-transform.ts';
export { executeTransform, type ExecuteTransformOptions, type ExecuteTransformResult } from './execute-transform.ts';
export {
  loadStepFunction,
  runFunctionStep,
  type FunctionStepContext,
  type FunctionStepResult,
  type LoadStepFunctionOptions,
  type RunFunctionStepOptions,
  type StepFunction,
  type StepFunctionResult,
} from './function-step.ts';
export {
  checkSchemaContract,
  schemaContractSchema,
  SCHEMA_MISMATCH_MODES,
  type CheckSchemaContractOptions,
  type SchemaContract,
  type SchemaContractInput,
  type SchemaContractResult,
  type SchemaMismatch,
  type SchemaMismatchMode,
} from './schema-contract.ts';
export { DEFAULT_FUNCTION_BATCH_SIZE, parseTransformConfig, transformConfigSchema, type TransformConfig, type TransformConfigInput } from './transform-config.ts';
export type { FunctionSegment, SqlSegment, TransformPlan, TransformSegment } from './transform-plan.ts';
export { JOIN_TYPES, STEP_KINDS, duckTypeSchema, transformStepSchema, type JoinType, type OutputColumn, type SortKey, type StepKind, type TransformStep } from './transform-step.ts';
export { AGGREGATES, type AggregateMetric, type AggregateName } from './aggregate-metric.ts';
export { formatDuckType, normalizeDuckType, parseDuckType, sameDuckType, type DuckField, type DuckType } from './duckdb-type.ts';
