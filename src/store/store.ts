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
  /** Storage keys of the Parquet files, relative to the storage root (none for a view). */
  files: string[];
  /** Set for a version materialised as a view: what reading it runs. */
  view?: DatasetViewDefinition | null;
  rows: number;
  bytes: number;
  schema: DatasetColumn[];
  inputs: DatasetInputRef[];
  /** Counts and notes of the task that wrote it (rejects, source locations, ...). */
  stats: Record<string, unknown>;
  createdAt: string;
  publishedAt: string | null;
}

/**
 * A version kept as a view (`materialize: view`): a SELECT that reads other dataset versions,
 * each written in `sql` as its token, and files read in place, which must still have the size
 * and modification time they had when the version was recorded.
 */
export interface DatasetViewDefinition {
  sql: string;
  inputs: Array<{ token: string; versionId: string }>;
  files: Array<{ path: string; size: number; mtimeMs: number }>;
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

/** How much a failing data quality check matters: `error` rejects the data, `warn` only reports. */
export const CHECK_SEVERITIES = ['warn', 'error'] as const;
export type CheckSeverity = (typeof CHECK_SEVERITIES)[number];

/** The outcome of one check: `warn` is a failing check of severity `warn`, `fail` one of severity `error`. */
export const CHECK_STATUSES = ['pass', 'warn', 'fail'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** One data quality check run on one dataset version (see src/quality/). */
export interface CheckResultRecord {
  /** Stable per run, task, dataset and check position: a retried task rewrites its own results. */
  id: string;
  dataset: string;
  /** The version checked (a staged version that may have been rejected, or a published one). */
  versionId: string;
  runId: string;
  taskId: string;
  pipelineId: string;
  name: string;
  /** The check type: not_null, unique, accepted_values, range, ... */
  type: string;
  severity: CheckSeverity;
  status: CheckStatus;
  /** Rows that fail a row-level check; 0 for dataset-level checks (row_count, freshness, schema). */
  failingRows: number;
  /** Up to five failing rows (or, for dataset-level checks, what was measured), JSON-safe. */
  sample: Array<Record<string, unknown>>;
  message: string;
  durationMs: number;
  createdAt: string;
}

export interface CheckResultFilter {
  dataset?: string;
  versionId?: string;
  runId?: string;
  limit?: number;
}

/** The state of one schedule of a pipeline; `scheduleId` is a hash of its cron, time zone and params. */
export interface ScheduleStateRecord {
  pipelineId: string;
  scheduleId: string;
  /** Position in the spec's `schedules` when last synced. */
  scheduleIndex: number;
  cron: string;
  timezone: string | null;
  /** The spec's `enabled`. */
  specEnabled: boolean;
  /** Set by enable/disable; null follows the spec. */
  enabledOverride: boolean | null;
  /** The slot fired last (ISO time of the cron slot, not of the firing). */
  lastFiredAt: string | null;
  nextFireAt: string | null;
  /** Slots at or before this are never fired: when the schedule was first seen or last enabled. */
  resumedAt: string;
  updatedAt: string;
}

/** A schedule of a spec as `syncSchedules` records it. */
export interface ScheduleSync {
  scheduleId: string;
  scheduleIndex: number;
  cron: string;
  timezone: string | null;
  specEnabled: boolean;
  nextFireAt: string | null;
}

export const BACKFILL_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
/** running until every partition finished; then succeeded (all did) or failed; cancelled as a unit. */
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];

export const BACKFILL_PARTITION_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type BackfillPartitionStatus = (typeof BACKFILL_PARTITION_STATUSES)[number];

/** A backfill: one run per partition of a range, at most `concurrency` at once. */
export interface BackfillRecord {
  id: string;
  pipelineId: string;
  /** First and last partition key of the range (inclusive). */
  from: string;
  to: string;
  status: BackfillStatus;
  concurrency: number;
  /** Params given to every run, besides the partition key. */
  params: Record<string, unknown>;
  /** Number of partitions. */
  total: number;
  createdAt: string;
  finishedAt: string | null;
  /** The process driving it while it holds the lease. */
  owner: string | null;
  leaseExpiresAt: string | null;
}

/** One partition of a backfill. */
export interface BackfillPartitionRecord {
  backfillId: string;
  partitionKey: string;
  /** Order within the backfill (0-based). */
  position: number;
  status: BackfillPartitionStatus;
  runId: string | null;
  /** For a resumed partition: the failed run it re-runs from. */
  previousRunId: string | null;
  updatedAt: string;
}

/** The fields of a backfill partition an update may change. */
export type BackfillPartitionPatch = Partial<Pick<BackfillPartitionRecord, 'status' | 'runId' | 'previousRunId'>>;

/** The fields of a backfill an update may change. */
export type BackfillPatch = Partial<Pick<BackfillRecord, 'status' | 'finishedAt'>>;

/** A published dataset version that triggered (or is triggering) a run of a pipeline. */
export interface DatasetTriggerRecord {
  pipelineId: string;
  versionId: string;
  dataset: string;
  runId: string | null;
  firedAt: string;
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
  /** How many log lines `getLogs` would give (without `limit`). */
  countLogs(filter: Omit<LogFilter, 'limit'>): Promise<number>;
  listEvents(filter?: EventFilter): Promise<EventRecord[]>;
  /** The highest event seq so far (0 when there is none): where a follower starts to see only new events. */
  lastEventSeq(): Promise<number>;

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

  /** Writes check results (upsert by id: a retried task replaces its own results). */
  saveCheckResults(results: CheckResultRecord[]): Promise<void>;
  /** Newest first (by createdAt), the checks of one task in the order they ran. */
  listCheckResults(filter?: CheckResultFilter): Promise<CheckResultRecord[]>;

  /** Connector state between runs (incremental cursors), by key. */
  getConnectorState(key: string): Promise<unknown>;
  setConnectorState(key: string, value: unknown): Promise<void>;

  /** Run counts by status, optionally for one pipeline. */
  countRunsByStatus(pipelineId?: string): Promise<Record<RunStatus, number>>;
  /** Durations of finished attempts by pipeline and task. */
  taskDurationStats(pipelineId?: string): Promise<TaskDurationStat[]>;

  // ---- scheduler (scheduler-repository.ts) ----------------------------------------------

  /**
   * Records the schedules a pipeline's spec has now: new ones start with `resumedAt = now`,
   * known ones get their index and spec flags updated (a spec that turns `enabled` on resumes
   * at `now`), and state of schedules no longer in the spec is removed. Returns the state, by index.
   */
  syncSchedules(pipelineId: string, schedules: ScheduleSync[], now: Date): Promise<ScheduleStateRecord[]>;
  /** By pipeline, then index. */
  listScheduleStates(pipelineId?: string): Promise<ScheduleStateRecord[]>;
  /** Overrides the spec's `enabled` (null: follow the spec again); turning an off schedule on resumes it at `now`. False when unknown. */
  setScheduleEnabled(pipelineId: string, scheduleId: string, enabled: boolean | null, now: Date): Promise<boolean>;
  /**
   * Claims a slot of a schedule: true for exactly one caller per slot, across processes, since
   * it is a conditional update (`last_fired_at` is null or before the slot).
   */
  claimScheduleSlot(pipelineId: string, scheduleId: string, slot: string, nextFireAt: string | null): Promise<boolean>;

  /** Takes or renews a named lease: true when free, expired or already held by `owner`. Atomic. */
  claimLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean>;
  /** Gives a lease up when held by `owner`. */
  releaseLease(name: string, owner: string): Promise<void>;
  getSchedulerCursor(name: string): Promise<string | undefined>;
  setSchedulerCursor(name: string, value: string, now: Date): Promise<void>;

  /** Creates a backfill with its partitions in one transaction. */
  createBackfill(backfill: BackfillRecord, partitions: BackfillPartitionRecord[]): Promise<void>;
  getBackfill(id: string): Promise<BackfillRecord | undefined>;
  /** Newest first. */
  listBackfills(filter?: { pipelineId?: string; status?: BackfillStatus[]; limit?: number }): Promise<BackfillRecord[]>;
  /** Updates a backfill; with `onlyIf`, only when its status is one of those. True when a row changed. */
  updateBackfill(id: string, patch: BackfillPatch, onlyIf?: BackfillStatus[]): Promise<boolean>;
  /** Takes or renews the lease on a backfill (as `claimRun` for runs). */
  claimBackfill(id: string, owner: string, leaseMs: number, now?: Date): Promise<boolean>;
  releaseBackfill(id: string, owner: string): Promise<void>;
  /** By position. */
  getBackfillPartitions(backfillId: string): Promise<BackfillPartitionRecord[]>;
  /** Updates a partition; with `onlyIf`, only when its status is one of those. True when a row changed. */
  updateBackfillPartition(backfillId: string, partitionKey: string, patch: BackfillPartitionPatch, now: Date, onlyIf?: BackfillPartitionStatus[]): Promise<boolean>;

  /** Published dataset versions with `publishedAt >= since`, oldest publication first. */
  listPublishedDatasetVersions(since: string, limit: number): Promise<DatasetVersionRecord[]>;
  /** Records that a version triggers a pipeline: true for exactly one caller per (pipeline, version). */
  claimDatasetTrigger(record: DatasetTriggerRecord): Promise<boolean>;
  setDatasetTriggerRun(pipelineId: string, versionId: string, runId: string): Promise<void>;
  listDatasetTriggers(pipelineId?: string): Promise<DatasetTriggerRecord[]>;
}
