/**
 * The tables of the metadata store as Kysely sees them. Column names are snake_case; the
 * store maps rows to the camelCase records of store.ts by hand (cheaper than a plugin on the
 * hot path).
 *
 * Values are what the drivers exchange after our per-connection parsers: timestamps are
 * ISO-8601 strings on both dialects, JSON columns travel as serialised text, and booleans are
 * `0`/`1` on SQLite but real booleans on Postgres, so the store converts them both ways.
 */
import type { ColumnType, Generated } from 'kysely';

/** An ISO-8601 UTC string (`text` on SQLite, `timestamptz` on Postgres). */
export type TimestampColumn = string;
/** JSON serialised by the store (`text` on SQLite, `jsonb` on Postgres). */
export type JsonColumn = string;
/** `integer` 0/1 on SQLite, `boolean` on Postgres. */
export type BooleanColumn = ColumnType<boolean | number, boolean | number, boolean | number>;

/** One registered pipeline and the version registered last. */
export interface PipelinesTable {
  id: string;
  name: string;
  description: string;
  tags: JsonColumn;
  current_version: string;
  source_path: string | null;
  archived: BooleanColumn;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
}

/** Each distinct spec content of a pipeline, by content hash. */
export interface PipelineVersionsTable {
  pipeline_id: string;
  version: string;
  /** Registration order within the pipeline: orders versions saved within one millisecond. */
  ordinal: number;
  spec: JsonColumn;
  created_at: TimestampColumn;
}

/** One run of a pipeline version. */
export interface RunsTable {
  id: string;
  pipeline_id: string;
  pipeline_version: string;
  status: string;
  params: JsonColumn;
  trigger: string;
  parent_run_id: string | null;
  created_at: TimestampColumn;
  started_at: TimestampColumn | null;
  finished_at: TimestampColumn | null;
  error: string | null;
  cancel_requested: BooleanColumn;
  owner: string | null;
  lease_expires_at: TimestampColumn | null;
}

/** The state of one task within a run. */
export interface TaskRunsTable {
  run_id: string;
  task_id: string;
  status: string;
  attempts: number;
  queued_at: TimestampColumn | null;
  started_at: TimestampColumn | null;
  finished_at: TimestampColumn | null;
  next_attempt_at: TimestampColumn | null;
  error: string | null;
  error_code: string | null;
  output: JsonColumn | null;
  reused_from_run_id: string | null;
}

/** One try of a task run. */
export interface TaskAttemptsTable {
  run_id: string;
  task_id: string;
  attempt: number;
  status: string;
  started_at: TimestampColumn;
  finished_at: TimestampColumn | null;
  error: string | null;
  error_code: string | null;
  error_detail: string | null;
  worker: string | null;
}

/** Log lines of task attempts; `id` is assigned by the database and only grows. */
export interface TaskLogsTable {
  id: Generated<number>;
  run_id: string;
  task_id: string;
  attempt: number;
  ts: TimestampColumn;
  stream: string;
  level: string;
  message: string;
}

/** The append-only event log; `seq` is assigned by the database and only grows. */
export interface EventsTable {
  seq: Generated<number>;
  type: string;
  run_id: string | null;
  pipeline_id: string | null;
  task_id: string | null;
  ts: TimestampColumn;
  payload: JsonColumn;
}

/** A dataset and its latest published version; created by the first publish. */
export interface DatasetsTable {
  name: string;
  /** Plain text, not a foreign key: the pipeline may be archived or written outside the platform. */
  pipeline_id: string;
  latest_version_id: string | null;
  rows: number;
  updated_at: TimestampColumn;
}

/** One version of a dataset (the files of one task run's output), staged, published or rejected. */
export interface DatasetVersionsTable {
  id: string;
  dataset: string;
  pipeline_id: string;
  /** No foreign key to runs: tools outside a run may write datasets. */
  run_id: string;
  task_id: string;
  status: string;
  files: JsonColumn;
  /** A view's definition (DatasetViewDefinition), null for a version stored as files. */
  view: JsonColumn | null;
  rows: number;
  bytes: number;
  schema: JsonColumn;
  inputs: JsonColumn;
  stats: JsonColumn;
  created_at: TimestampColumn;
  published_at: TimestampColumn | null;
}

/** Connector state kept between runs (incremental cursors), by key. */
export interface ConnectorStateTable {
  key: string;
  value: JsonColumn;
  updated_at: TimestampColumn;
}

/** The state of one schedule of a pipeline, keyed by a hash of its cron, time zone and params. */
export interface SchedulesTable {
  pipeline_id: string;
  schedule_id: string;
  /** Position in the spec's `schedules` when last seen (for `--index`). */
  schedule_index: number;
  cron: string;
  timezone: string | null;
  /** The spec's `enabled`, as last seen. */
  spec_enabled: BooleanColumn;
  /** Set by `schedule up` / `down`; null follows the spec. */
  enabled_override: BooleanColumn | null;
  /** The slot fired last; the conditional update on it makes a fire exactly-once. */
  last_fired_at: TimestampColumn | null;
  next_fire_at: TimestampColumn | null;
  /** Slots at or before this are never fired (creation, or the last time it was enabled). */
  resumed_at: TimestampColumn;
  updated_at: TimestampColumn;
}

/** Named leases for leader election among processes (the scheduler loop). */
export interface SchedulerLeasesTable {
  name: string;
  owner: string;
  expires_at: TimestampColumn;
}

/** Cursors of scheduler loops, such as the dataset trigger watermark. */
export interface SchedulerCursorsTable {
  name: string;
  value: string;
  updated_at: TimestampColumn;
}

/** One backfill: every partition of a range, run with a concurrency limit. */
export interface BackfillsTable {
  id: string;
  pipeline_id: string;
  range_from: string;
  range_to: string;
  status: string;
  concurrency: number;
  params: JsonColumn;
  total: number;
  created_at: TimestampColumn;
  finished_at: TimestampColumn | null;
  /** The process driving it, while it holds the lease. */
  owner: string | null;
  lease_expires_at: TimestampColumn | null;
}

/** One partition of a backfill and the run that processes it. */
export interface BackfillPartitionsTable {
  backfill_id: string;
  partition_key: string;
  position: number;
  status: string;
  run_id: string | null;
  /** The failed run a resumed partition re-runs from. */
  previous_run_id: string | null;
  updated_at: TimestampColumn;
}

/** Which published dataset version triggered which pipeline run (one row per pair: the dedupe). */
export interface DatasetTriggersTable {
  pipeline_id: string;
  version_id: string;
  dataset: string;
  run_id: string | null;
  fired_at: TimestampColumn;
}

/** The metadata store schema, for `Kysely<Database>`. */
export interface Database {
  pipelines: PipelinesTable;
  pipeline_versions: PipelineVersionsTable;
  runs: RunsTable;
  task_runs: TaskRunsTable;
  task_attempts: TaskAttemptsTable;
  task_logs: TaskLogsTable;
  events: EventsTable;
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
  connector_state: ConnectorStateTable;
  schedules: SchedulesTable;
  scheduler_leases: SchedulerLeasesTable;
  scheduler_cursors: SchedulerCursorsTable;
  backfills: BackfillsTable;
  backfill_partitions: BackfillPartitionsTable;
  dataset_triggers: DatasetTriggersTable;
}
