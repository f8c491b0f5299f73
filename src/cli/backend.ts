/**
 * The seam between CLI commands and the platform. A command never cares whether it talks to
 * a platform opened in its own process (local mode, the default) or to a server over HTTP
 * (`--server URL` or DATADOG_SERVER); it asks a CliBackend. Implementations live in
 * `backends/local-backend.ts` and `backends/remote-backend.ts`.
 */
import type { ConnectorInfo } from '../connectors/connector.ts';
import type { ConnectorBlock, ConnectorTestResult } from '../connectors/test-connector.ts';
import type { ParamValues } from '../core/spec/params.ts';
import type { TaskStatus } from '../core/statuses.ts';
import type { DatasetPreview } from '../datasets/dataset-catalog.ts';
import type { CreateBackfillInput } from '../scheduler/backfill-runner.ts';
import type { BackfillDetail } from '../scheduler/backfill-progress.ts';
import type { BackfillRecord } from '../store/store.ts';
import type { ScheduleInfo } from '../scheduler/schedule-catalog.ts';
import type { CheckResultRecord, DatasetRecord, DatasetVersionRecord, LogStream, PipelineRecord, RunRecord, TaskAttemptRecord, TaskLogRecord, TaskRunRecord } from '../store/store.ts';

/** Where the backend runs pipelines: in the CLI's own process, or on a server. */
export const BACKEND_MODES = ['local', 'remote'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];

/** The options every command inherits from the `datadog` program. */
export interface GlobalOptions {
  /** Base URL of a DataDog server; remote mode when set. */
  server?: string;
  /** The platform's home folder for local mode. */
  home?: string;
  verbose?: boolean;
}

/** A run with its task runs and every attempt, as both modes report it. */
export interface RunDetail {
  run: RunRecord;
  tasks: TaskRunRecord[];
  attempts: TaskAttemptRecord[];
}

/** What registering a pipeline did. */
export interface RegisterResult {
  pipeline: PipelineRecord;
  version: string;
  newVersion: boolean;
}

/** One change of a task run seen while following a run. */
export interface TaskUpdate {
  taskId: string;
  status: TaskStatus;
  /** Attempts started so far. */
  attempt: number;
  /** ISO time of the change. */
  ts: string;
  error?: string | null;
  /** Duration of the attempt that just ended, when one did. */
  durationMs?: number;
  /** For up_for_retry: when the next attempt may start. */
  nextAttemptAt?: string | null;
}

/** One output line of a task, seen while following a run. */
export interface LogLine {
  taskId: string;
  attempt: number;
  ts: string;
  stream: LogStream;
  message: string;
}

/** Callbacks of `followRun`; all optional, so a caller only listens to what it shows. */
export interface RunObserver {
  /** The run as it stands when following starts. */
  onStart?(detail: RunDetail): void;
  onTask?(update: TaskUpdate): void;
  /** Only set when the caller wants task output; remote mode then polls logs too. */
  onLog?(line: LogLine): void;
}

/** A page of task logs; `nextAfter` is the cursor for the next page. */
export interface LogPage {
  logs: TaskLogRecord[];
  nextAfter: number | undefined;
}

export interface LogQuery {
  task?: string;
  /** Only logs with an id above this. */
  after?: number;
  limit?: number;
}

/** A dataset with its newest versions. */
export interface DatasetDetail {
  dataset: DatasetRecord;
  versions: DatasetVersionRecord[];
}

/** Which rows of which version `dataset preview` shows; without run or version, the latest published. */
export interface DatasetPreviewQuery {
  runId?: string;
  versionId?: string;
  limit?: number;
  offset?: number;
}

/** Which check results `dataset checks` shows: newest first, optionally of one run. */
export interface CheckResultsQuery {
  runId?: string;
  limit?: number;
}

/** A connector check: the block of a conn.yaml and the folder its relative paths resolve against. */
export interface ConnectorTestQuery {
  connector: ConnectorBlock;
  /** Absolute folder of the file the block came from. */
  baseDir: string;
  discover?: boolean;
}

/** What the commands need from the platform, in either mode. */
export interface CliBackend {
  readonly mode: BackendMode;
  /** Registers a pipeline file (YAML, JSON or TypeScript). */
  registerFile(file: string): Promise<RegisterResult>;
  listPipelines(): Promise<PipelineRecord[]>;
  /** Starts a run of the pipeline's current version; params are raw `--param` values. */
  triggerRun(pipelineId: string, params: ParamValues): Promise<RunRecord>;
  getRun(runId: string): Promise<RunDetail>;
  getLogs(runId: string, query?: LogQuery): Promise<LogPage>;
  /** Asks for a run to be cancelled; the run may still be finishing when this returns. */
  cancelRun(runId: string): Promise<RunRecord>;
  /** Re-runs a failed or cancelled run, reusing its succeeded tasks. */
  rerun(runId: string): Promise<RunRecord>;
  /** Follows a run until it finishes, reporting changes to the observer; resolves with the final detail. */
  followRun(runId: string, observer?: RunObserver): Promise<RunDetail>;
  listDatasets(): Promise<DatasetRecord[]>;
  /** A dataset with its newest `versionLimit` versions (NOT_FOUND when unknown). */
  getDataset(name: string, versionLimit?: number): Promise<DatasetDetail>;
  /** Rows of a dataset version, JSON-safe in both modes (times as ISO strings, big integers as strings). */
  previewDataset(name: string, query?: DatasetPreviewQuery): Promise<DatasetPreview>;
  /** Data quality check results of a dataset, newest first (NOT_FOUND when the dataset is unknown). */
  listCheckResults(dataset: string, query?: CheckResultsQuery): Promise<CheckResultRecord[]>;
  listConnectors(): Promise<ConnectorInfo[]>;
  /** Checks a connector config: throws a ValidationError when it is invalid, resolves `ok: false` when the check failed. */
  testConnector(query: ConnectorTestQuery): Promise<ConnectorTestResult>;
  /** Schedules with their next `count` fire times, of every pipeline or of one. */
  listSchedules(options?: { pipelineId?: string; count?: number }): Promise<ScheduleInfo[]>;
  /** Turns one schedule (by index) or every schedule of a pipeline on or off; returns those changed. */
  setScheduleEnabled(pipelineId: string, index: number | undefined, enabled: boolean): Promise<ScheduleInfo[]>;
  /** Starts a backfill of a partitioned pipeline; in local mode its runs execute in this process. */
  startBackfill(input: CreateBackfillInput): Promise<BackfillDetail>;
  getBackfill(id: string): Promise<BackfillDetail>;
  /** Backfills, newest first. */
  listBackfills(filter?: { pipelineId?: string }): Promise<BackfillRecord[]>;
  /** Cancels a running backfill: its running runs are cancelled, the rest of its partitions marked cancelled. */
  cancelBackfill(id: string): Promise<BackfillDetail>;
  /** Runs a backfill's failed, cancelled and missing partitions again (or takes over one nobody drives). */
  resumeBackfill(id: string): Promise<BackfillDetail>;
  /** Follows a backfill to its end, reporting progress; in local mode this process drives it meanwhile. */
  followBackfill(id: string, onProgress?: (detail: BackfillDetail) => void): Promise<BackfillDetail>;
  /** Releases the store, the engine or the connection. */
  close(): Promise<void>;
}
