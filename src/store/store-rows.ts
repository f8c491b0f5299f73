/**
 * Mapping between the store's records (store.ts, camelCase, JSON as values) and the rows of
 * its tables (database.ts, snake_case, JSON as text, booleans per dialect). Kept by hand
 * rather than in a Kysely plugin: it is cheaper on the engine's hot path.
 */
import type { Insertable, Selectable } from 'kysely';
import type { PipelineSpec } from '../core/spec/pipeline-spec.ts';
import type { RunStatus, TaskStatus } from '../core/statuses.ts';
import type {
  DatasetsTable,
  DatasetVersionsTable,
  EventsTable,
  PipelinesTable,
  PipelineVersionsTable,
  RunsTable,
  TaskAttemptsTable,
  TaskLogsTable,
  TaskRunsTable,
} from './database.ts';
import type {
  DatasetColumn,
  DatasetViewDefinition,
  DatasetInputRef,
  DatasetRecord,
  DatasetVersionRecord,
  DatasetVersionStatus,
  EventRecord,
  LogStream,
  PipelineRecord,
  PipelineVersionRecord,
  RunRecord,
  StoreDialect,
  TaskAttemptRecord,
  TaskLogRecord,
  TaskRunRecord,
} from './store.ts';

/** A boolean as the dialect stores it: `0`/`1` on SQLite, a real boolean on Postgres. */
export function storeBoolean(dialect: StoreDialect, value: boolean): boolean | number {
  return dialect === 'sqlite' ? (value ? 1 : 0) : value;
}

/** JSON columns arrive as text from our drivers; a pool with pg's default parsers gives objects. */
export function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/**
 * Postgres text and jsonb cannot hold the NUL character (a task's output may): it is stored as
 * U+FFFD instead, so one such string cannot fail the transaction carrying a whole engine tick.
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

const nulFree = (_key: string, v: unknown): unknown => (typeof v === 'string' ? withoutNul(v) : v);

/**
 * JSON text of a value, with NUL characters in its strings replaced (see withoutNul). JSON.stringify
 * writes a NUL as the escape `\u0000`, so only text showing that escape is made again with a
 * replacer (a replacer call per value costs more than the whole plain stringify).
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  return text !== undefined && text.includes('\\u0000') ? JSON.stringify(value, nulFree) : text;
}

/** The row of a run. */
export function runRow(run: RunRecord, dialect: StoreDialect): Insertable<RunsTable> {
  return {
    id: run.id,
    pipeline_id: run.pipelineId,
    pipeline_version: run.pipelineVersion,
    status: run.status,
    params: jsonText(run.params ?? {}),
    trigger: run.trigger,
    parent_run_id: run.parentRunId,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    error: run.error,
    cancel_requested: storeBoolean(dialect, run.cancelRequested),
    owner: run.owner,
    lease_expires_at: run.leaseExpiresAt,
  };
}

/** The row of a task run. */
export function taskRunRow(t: TaskRunRecord): Insertable<TaskRunsTable> {
  return {
    run_id: t.runId,
    task_id: t.taskId,
    status: t.status,
    attempts: t.attempts,
    queued_at: t.queuedAt,
    started_at: t.startedAt,
    finished_at: t.finishedAt,
    next_attempt_at: t.nextAttemptAt,
    error: t.error,
    error_code: t.errorCode,
    output: t.output === undefined || t.output === null ? null : jsonText(t.output),
    reused_from_run_id: t.reusedFromRunId,
  };
}

/** The row of a task attempt. */
export function attemptRow(a: TaskAttemptRecord): Insertable<TaskAttemptsTable> {
  return {
    run_id: a.runId,
    task_id: a.taskId,
    attempt: a.attempt,
    status: a.status,
    started_at: a.startedAt,
    finished_at: a.finishedAt,
    error: a.error,
    error_code: a.errorCode,
    error_detail: a.errorDetail,
    worker: a.worker,
  };
}

/** The row of a new log line (its id is assigned by the database). */
export function logRow(l: Omit<TaskLogRecord, 'id'>): Insertable<TaskLogsTable> {
  return { run_id: l.runId, task_id: l.taskId, attempt: l.attempt, ts: l.ts, stream: l.stream, level: l.level, message: l.message };
}

/** Columns of an event row, for sizing multi-row inserts. */
export const EVENT_COLUMNS = 6;

/** The row of a new event (its seq is assigned by the database). */
export function eventRow(e: Omit<EventRecord, 'seq'>): Insertable<EventsTable> {
  return { type: e.type, run_id: e.runId, pipeline_id: e.pipelineId, task_id: e.taskId, ts: e.ts, payload: jsonText(e.payload ?? {}) };
}

/** The row of a dataset version. */
export function datasetVersionRow(v: DatasetVersionRecord): Insertable<DatasetVersionsTable> {
  return {
    id: v.id,
    dataset: v.dataset,
    pipeline_id: v.pipelineId,
    run_id: v.runId,
    task_id: v.taskId,
    status: v.status,
    files: JSON.stringify(v.files ?? []),
    view: v.view ? JSON.stringify(v.view) : null,
    rows: v.rows,
    bytes: v.bytes,
    schema: JSON.stringify(v.schema ?? []),
    inputs: JSON.stringify(v.inputs ?? []),
    stats: jsonText(v.stats ?? {}),
    created_at: v.createdAt,
    published_at: v.publishedAt,
  };
}

/** A pipeline from its row. */
export function toPipeline(row: Selectable<PipelinesTable>): PipelineRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: parseJson(row.tags) as string[],
    currentVersion: row.current_version,
    sourcePath: row.source_path,
    archived: Boolean(row.archived),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A pipeline version from its row. */
export function toPipelineVersion(row: Selectable<PipelineVersionsTable>): PipelineVersionRecord {
  return { pipelineId: row.pipeline_id, version: row.version, spec: parseJson(row.spec) as PipelineSpec, createdAt: row.created_at };
}

/** A run from its row. */
export function toRun(row: Selectable<RunsTable>): RunRecord {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    pipelineVersion: row.pipeline_version,
    status: row.status as RunStatus,
    params: parseJson(row.params) as Record<string, unknown>,
    trigger: row.trigger,
    parentRunId: row.parent_run_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    cancelRequested: Boolean(row.cancel_requested),
    owner: row.owner,
    leaseExpiresAt: row.lease_expires_at,
  };
}

/** A task run from its row. */
export function toTaskRun(row: Selectable<TaskRunsTable>): TaskRunRecord {
  return {
    runId: row.run_id,
    taskId: row.task_id,
    status: row.status as TaskStatus,
    attempts: row.attempts,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    nextAttemptAt: row.next_attempt_at,
    error: row.error,
    errorCode: row.error_code,
    output: row.output === null ? null : parseJson(row.output),
    reusedFromRunId: row.reused_from_run_id,
  };
}

/** A task attempt from its row. */
export function toAttempt(row: Selectable<TaskAttemptsTable>): TaskAttemptRecord {
  return {
    runId: row.run_id,
    taskId: row.task_id,
    attempt: row.attempt,
    status: row.status as TaskStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    errorCode: row.error_code,
    errorDetail: row.error_detail,
    worker: row.worker,
  };
}

/** A log line from its row. */
export function toLog(row: Selectable<TaskLogsTable>): TaskLogRecord {
  return {
    id: Number(row.id),
    runId: row.run_id,
    taskId: row.task_id,
    attempt: row.attempt,
    ts: row.ts,
    stream: row.stream as LogStream,
    level: row.level as TaskLogRecord['level'],
    message: row.message,
  };
}

/** An event from its row. */
export function toEvent(row: Selectable<EventsTable>): EventRecord {
  return {
    seq: Number(row.seq),
    type: row.type,
    runId: row.run_id,
    pipelineId: row.pipeline_id,
    taskId: row.task_id,
    ts: row.ts,
    payload: parseJson(row.payload) as Record<string, unknown>,
  };
}

/** A dataset version from its row. */
export function toDatasetVersion(row: Selectable<DatasetVersionsTable>): DatasetVersionRecord {
  return {
    id: row.id,
    dataset: row.dataset,
    pipelineId: row.pipeline_id,
    runId: row.run_id,
    taskId: row.task_id,
    status: row.status as DatasetVersionStatus,
    files: parseJson(row.files) as string[],
    view: row.view === null || row.view === undefined ? null : (parseJson(row.view) as DatasetViewDefinition),
    // bigint columns: numbers from our drivers, but a default pg pool would give strings.
    rows: Number(row.rows),
    bytes: Number(row.bytes),
    schema: parseJson(row.schema) as DatasetColumn[],
    inputs: parseJson(row.inputs) as DatasetInputRef[],
    stats: parseJson(row.stats) as Record<string, unknown>,
    createdAt: row.created_at,
    publishedAt: row.published_at,
  };
}

/** A dataset from its row. */
export function toDataset(row: Selectable<DatasetsTable>): DatasetRecord {
  return { name: row.name, pipelineId: row.pipeline_id, latestVersionId: row.latest_version_id, rows: Number(row.rows), updatedAt: row.updated_at };
}
