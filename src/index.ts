/**
 * The public TypeScript API of DataDog Platform.
 */
export { definePipeline, scriptTask, type PipelineDefinition } from './core/spec/define-pipeline.ts';
export type { PipelineSpec, PipelineSpecInput, TaskSpec, TaskFunction, RetryPolicy, ParamSpec } from './core/spec/pipeline-spec.ts';
export { createPlatform, Platform, type CreatePlatformOptions, type RunDetail } from './platform.ts';
export type { PlatformConfig } from './config.ts';
export type { TaskContext, TaskLogger } from './runtime/task-context.ts';
export { defineTaskKind, type TaskKind } from './runtime/task-kind.ts';
export type { Executor, TaskDispatch, TaskOutcome } from './runtime/executor.ts';
export type { Connector, ConnectorContext, RecordBatch } from './connectors/connector.ts';
export type { Store } from './store/store.ts';
export {
  PlatformError,
  ValidationError,
  NotFoundError,
  ConflictError,
  TaskError,
  NonRetryableError,
  RetryLaterError,
  SkipTaskError,
  type ErrorCode,
} from './core/errors.ts';
export { RUN_STATUSES, TASK_STATUSES, type RunStatus, type TaskStatus } from './core/statuses.ts';
