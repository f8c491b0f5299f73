/**
 * The metadata store seam: pipelines and their versions, runs, task runs and their attempts,
 * task logs and the append-only event log. Implemented once over Kysely for SQLite (embedded
 * default) and PostgreSQL (DATABASE_URL); both must pass tests/integration/store-contract.ts.
 *
 * Times are ISO-8601 UTC strings with millisecond precision (`2026-11-24T03:19:00.000Z`).
 * JSON-valued fields are plain values here; the implementation serialises them.
 */
import type { RunStatus, TaskStatus } from '../core/statuses.ts';
import type { PipelineSpec } from '../core/spec/pipeline-spec.ts';

export interface PipelineRecord {
  id: string;
  name: string;
  description: string;
  tags: string[];
  /** Version id (content hash) of the spec registered last. */
  currentVersion: string;
  /** The file the spec was registered from, if any (TypeScript pipelines are re-imported from it). */
  sourcePath: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PipelineVersionRecord {
  pipelineId: string;
  version: string;
  /** The spec as JSON, `run` functions left out. */
  spec: PipelineSpec;
  createdAt: string;
}

export interface RunRecord {
  id: string;
  pipelineId: string;
  pipelineVersion: string;
  status: RunStatus;
  params: Record<string, unknown>;
  /** What started the run: `cli`, `api`, `schedule`, `rerun`, ... */
  trigger: string;
  /** For a re-run from failure: the run it re-runs. */
  parentRunId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Set by `requestCancel`; the owning engine sees it and cancels the run. */
  cancelRequested: boolean;
  /** Id of the engine process that drives the run, while it holds the lease. */
  owner: string | null;
  leaseExpiresAt: string | null;
}

export interface TaskRunRecord {
  runId: string;
  taskId: string;
  status: TaskStatus;
  /** Attempts started so far (0 before the first). */
  attempts: number;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** When an up_for_retry task may start its next attempt. */
  nextAttemptAt: string | null;
  error: string | null;
  errorCode: string | null;
  /** What the task returned (row counts, outputs), as JSON. */
  output: unknown;
  /** Set when a re-run reused this task's success from an earlier run. */
  reusedFromRunId: string | null;
}

export interface TaskAttemptRecord {
  runId: string;
  taskId: string;
  /** 1-based attempt number. */
  attempt: number;
  status: TaskStatus;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  errorCode: string | null;
  /** Stack or other detail of the error, for the UI. */
  errorDetail: string | null;
  /** Which process ran it (host:pid or a worker id). */
  worker: string | null;
}

export const LOG_STREAMS = ['stdout', 'stderr', 'log'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

export interface TaskLogRecord {
  /** Increasing id, assigned by the store; use it to page and to follow. */
  id: number;
  runId: string;
  taskId: string;
  attempt: number;
  ts: string;
  stream: LogStream;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface EventRecord {
  /** Increasing sequence number, assigned by the store (SSE resumes from it). */
  seq: number;
  type: string;
  runId: string | null;
  pipelineId: string | null;
  taskId: string | null;
  ts: string;
  payload: Record<string, unknown>;
}

/** What `savePipeline` did. */
export interface SavePipelineResult {
  pipeline: PipelineRecord;
  version: PipelineVersionRecord;
  /** True when this spec content had not been registered before for this pipeline. */
  newVersion: boolean;
}

/** A new run with its task runs, written in one transaction. */
export interface NewRun {
  run: RunRecord;
  taskRuns: TaskRunRecord[];
}

/**
 * Everything one engine tick changed, written in one transaction. Records are whole rows
 * (the owning engine holds the current state), so each list is one multi-row upsert.
 */
export interface StoreBatch {
  /** The engine writing; when set, every run touched must be owned by it or the batch fails with CONFLICT. */
  owner?: string;
  runs?: RunRecord[];
  taskRuns?: TaskRunRecord[];
  /** Upserted by (runId, taskId, attempt). */
  attempts?: TaskAttemptRecord[];
  logs?: Array<Omit<TaskLogRecord, 'id'>>;
  events?: Array<Omit<EventRecord, 'seq'>>;
}

export interface RunFilter {
  pipelineId?: string;
  status?: RunStatus[];
  /** ISO times bounding createdAt. */
  createdAfter?: string;
  createdBefore?: string;
  limit?: number;
  /** Cursor: return runs created strictly before this run (newest first ordering). */
  beforeRunId?: string;
}

export interface LogFilter {
  runId: string;
  taskId?: string;
  attempt?: number;
  /** Only logs with id greater than this (to follow). */
  afterId?: number;
  limit?: number;
}

export interface EventFilter {
  afterSeq?: number;
  runId?: string;
  pipelineId?: string;
  limit?: number;
}

export interface TaskDurationStat {
  pipelineId: string;
  taskId: string;
  count: number;
  avgMs: number;
  maxMs: number;
}

/** The result of applying migrations, per migration (like Kysely's MigrationResultSet). */
export interface MigrationReport {
  applied: string[];
  error?: string;
}

export const DATASET_VERSION_STATUSES = ['staged', 'published', 'rejected'] as const;
/** staged: written, not visible downstream; published: the dataset's current data; rejected: failed its checks. */
export type DatasetVersionStatus = (typeof DATASET_VERSION_STATUSES)[number];

/** One column of a dataset's schema (a DuckDB type name). */
export interface DatasetColumn {
  name: string;
  type: string;
  nullable?: boolean;
}

/** A dataset version read by the task that wrote another: the edges of lineage. */
export interface DatasetInputRef {
  dataset: string;
  versionId: string;
}

/** One version of a dataset: the files of one task run's output. */
export interface DatasetVersionRecord {
  id: string;
  dataset: string;
  pipelineId: string;
  runId: string;
  taskId: string;
  status: DatasetVersionStatus;
  /** Storage keys of the Parquet files, relative to the storage root. */
  files: string[];
  rows: number;
  bytes: number;
  schema: DatasetColumn[];
  inputs: DatasetInputRef[];
  /** Counts and notes of the task that wrote it (rejects, source locations, ...). */
  stats: Record<string, unknown>;
  createdAt: string;
  publishedAt: string | null;
}

/** A dataset: a name with its latest published version. */
export interface DatasetRecord {
  name: string;
  /** The pipeline that last published it. */
  pipelineId: string;
  latestVersionId: string | null;
  rows: number;
  updatedAt: string;
}

export interface DatasetVersionFilter {
  dataset?: string;
  runId?: string;
  pipelineId?: string;
  status?: DatasetVersionStatus[];
  limit?: number;
}

export const STORE_DIALECTS = ['sqlite', 'postgres'] as const;
export type StoreDialect = (typeof STORE_DIALECTS)[number];

/** The metadata store. Every method is safe to call from several processes sharing the database. */
export interface Store {
  readonly dialect: StoreDialect;

  /** Applies pending migrations; called on start. */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;

  /** Registers a spec: creates the pipeline or a new version when the content changed. Un-archives. */
  savePipeline(spec: PipelineSpec, version: string, options?: { sourcePath?: string | null }): Promise<SavePipelineResult>;
  getPipeline(id: string): Promise<PipelineRecord | undefined>;
  listPipelines(options?: { includeArchived?: boolean }): Promise<PipelineRecord[]>;
  getPipelineVersion(pipelineId: string, version: string): Promise<PipelineVersionRecord | undefined>;
  /** Newest first. */
  listPipelineVersions(pipelineId: string): Promise<PipelineVersionRecord[]>;
  archivePipeline(id: string): Promise<void>;

  createRun(newRun: NewRun): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Runs in queued or running status (to reconcile after a restart). */
  listActiveRuns(): Promise<RunRecord[]>;
  getTaskRuns(runId: string): Promise<TaskRunRecord[]>;
  getAttempts(runId: string, taskId?: string): Promise<TaskAttemptRecord[]>;

  /** Writes a batch atomically (see StoreBatch). Returns the seq given to each event, in order. */
  applyBatch(batch: StoreBatch): Promise<number[]>;

  /**
   * Takes or renews the lease on a run: succeeds when the run has no owner, is owned by `owner`,
   * or its lease has expired. Atomic (a conditional update), so two engines never both win.
   */
  claimRun(runId: string, owner: string, leaseMs: number, now?: Date): Promise<boolean>;
  /** Gives up a lease held by `owner`. */
  releaseRun(runId: string, owner: string): Promise<void>;
  /** Marks a run for cancellation; returns false when the run is already finished. */
  requestCancel(runId: string): Promise<boolean>;

  getLogs(filter: LogFilter): Promise<TaskLogRecord[]>;
  listEvents(filter?: EventFilter): Promise<EventRecord[]>;

  /**
   * Writes a dataset version (upsert by id). A retried task writes the same id again, so retries
   * never add versions. Publishing is `status: 'published'` with `publishedAt`; it also makes the
   * version the dataset's latest (creating the dataset row), in the same transaction.
   */
  saveDatasetVersion(version: DatasetVersionRecord): Promise<void>;
  getDatasetVersion(id: string): Promise<DatasetVersionRecord | undefined>;
  /** Newest first (by createdAt, then id). */
  listDatasetVersions(filter?: DatasetVersionFilter): Promise<DatasetVersionRecord[]>;
  getDataset(name: string): Promise<DatasetRecord | undefined>;
  /** By name. */
  listDatasets(): Promise<DatasetRecord[]>;

  /** Connector state between runs (incremental cursors), by key. */
  getConnectorState(key: string): Promise<unknown>;
  setConnectorState(key: string, value: unknown): Promise<void>;

  /** Run counts by status, optionally for one pipeline. */
  countRunsByStatus(pipelineId?: string): Promise<Record<RunStatus, number>>;
  /** Durations of finished attempts by pipeline and task. */
  taskDurationStats(pipelineId?: string): Promise<TaskDurationStat[]>;
}
