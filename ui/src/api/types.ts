/**
 * The API's types as the UI sees them. Contracts come from the server's zod schemas
 * (src/api/schemas.ts and src/api/schemas/*.ts) as types only: nothing of the server is
 * bundled into the UI.
 *
 * The UI is tolerant of an older server: fields added lately (a pipeline's last run) are
 * optional here, and routes added lately (events, versions, diff, lineage, the metrics
 * overview) degrade to a designed empty or error state when missing.
 */
import type { Pipeline, RunStatus, TaskStatus } from '../../../src/api/schemas.ts';
import type { LastRun, PipelineSummary } from '../../../src/api/schemas/pipelines.ts';

export type {
  CheckResult,
  ColumnInfo,
  ConnectorInfo,
  ConnectorsResponse,
  Dataset,
  DatasetColumn,
  DatasetDetail,
  DatasetPreview,
  DatasetSchema,
  DatasetVersion,
  ErrorBody,
  Health,
  ListDatasetsResponse,
  ListRunsResponse,
  LogsResponse,
  MetricsSummary,
  Pipeline,
  PipelineDetail,
  Run,
  RunDetail,
  RunResponse,
  RunStatus,
  Schedule,
  TaskAttempt,
  TaskKindInfo,
  TaskLog,
  TaskRun,
  TaskStatus,
  WorkerInfo,
  WorkersResponse,
  WorkerTask,
} from '../../../src/api/schemas.ts';
export type { DatasetLineage as Lineage } from '../../../src/api/schemas/lineage.ts';
export type { LastRun, PipelineDiff, PipelineVersionDetail, PipelineVersionInfo } from '../../../src/api/schemas/pipelines.ts';
export type { RunsBucket, RunsOverview } from '../../../src/api/schemas/runs-overview.ts';

/** The last run as the UI reads it: the server's LastRun, or a Run of an older server's run list. */
export type LastRunSummary = Pick<LastRun, 'status'> & Partial<Pick<LastRun, 'id' | 'createdAt' | 'startedAt' | 'finishedAt' | 'durationMs'>>;

/** A pipeline of GET /pipelines; an older server lists pipelines without their last and next run. */
export type PipelineListItem = Pipeline & Partial<Pick<PipelineSummary, 'lastRun' | 'nextScheduledRun'>>;

export interface ListPipelinesResult {
  pipelines: PipelineListItem[];
}

/** A param as declared in a stored spec (defaults filled in by the server). */
export interface ParamSpec {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'json';
  default?: unknown;
  required?: boolean;
  description?: string;
  enum?: Array<string | number | boolean>;
}

/** The parts of a task spec the UI draws. */
export interface TaskSpecView {
  id: string;
  kind: string;
  name?: string;
  description?: string;
  depends_on?: string[];
  inputs?: string[];
  outputs?: string[];
  trigger_rule?: string;
}

/** The parts of a stored spec the UI reads. */
export interface PipelineSpecView {
  id: string;
  name?: string;
  description?: string;
  tags?: string[];
  params?: Record<string, ParamSpec>;
  schedules?: Array<{ cron: string; timezone?: string; enabled?: boolean }>;
  tasks: TaskSpecView[];
}

/** Names of the events of GET /events. */
export const EVENT_NAMES = ['run.status', 'task.status', 'task.log', 'pipeline.saved'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** The payload of an event of GET /events (fields vary by event name). */
export interface PlatformEvent {
  type: EventName;
  seq: number | null;
  runId?: string;
  pipelineId?: string;
  taskId?: string;
  status?: RunStatus | TaskStatus;
  attempt?: number;
  error?: string | null;
  message?: string;
  stream?: string;
  level?: string;
  version?: string;
  ts?: string;
}
