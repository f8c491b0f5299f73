/**
 * Local mode: the CLI opens the platform in its own process, on the home folder's store, and
 * runs pipelines right here. A run started by this process lives only as long as the process,
 * which is why local `pipeline run` always waits for the end.
 */
import type { ConnectorInfo } from '../../connectors/connector.ts';
import { testConnector, type ConnectorTestResult } from '../../connectors/test-connector.ts';
import type { TaskLogEvent, TaskStatusEvent } from '../../core/event-bus.ts';
import type { ParamValues } from '../../core/spec/params.ts';
import type { DatasetPreview } from '../../datasets/dataset-catalog.ts';
import { toJsonRows } from '../../datasets/json-rows.ts';
import { createLogger } from '../../observability/logger.ts';
import { createPlatform, type Platform } from '../../platform.ts';
import { listDatasetChecks } from '../../quality/dataset-checks.ts';
import type { CreateBackfillInput } from '../../scheduler/backfill-runner.ts';
import type { BackfillDetail } from '../../scheduler/backfill-progress.ts';
import type { BackfillRecord } from '../../store/store.ts';
import type { ScheduleInfo } from '../../scheduler/schedule-catalog.ts';
import { Scheduler } from '../../scheduler/scheduler.ts';
import type { CheckResultRecord, DatasetRecord, PipelineRecord, RunRecord } from '../../store/store.ts';
import type {
  CheckResultsQuery,
  CliBackend,
  ConnectorTestQuery,
  DatasetDetail,
  DatasetPreviewQuery,
  LogPage,
  LogQuery,
  RegisterResult,
  RunDetail,
  RunObserver,
  TaskUpdate,
} from '../backend.ts';
import { pollRun } from './poll-run.ts';

export interface LocalBackendOptions {
  /** The platform's home folder; DATADOG_HOME or ./.datadog when absent. */
  home?: string;
  /** Log the platform's info lines to stderr; otherwise only errors, which keeps the progress display readable. */
  verbose?: boolean;
}

type BufferedEvent = { kind: 'task'; event: TaskStatusEvent } | { kind: 'log'; event: TaskLogEvent };

/** Events kept per run before someone follows it; a bound, so an unfollowed run cannot grow memory. */
const MAX_BUFFERED = 10_000;

/** The CLI backend over a platform opened in this process; create it with `LocalBackend.open`. */
export class LocalBackend implements CliBackend {
  readonly mode = 'local' as const;
  /** Events of runs driven here, kept until `followRun` attaches (a run emits before `triggerRun` returns). */
  private readonly buffers = new Map<string, BufferedEvent[]>();
  private readonly followers = new Map<string, RunObserver>();
  private readonly unsubscribe: Array<() => void>;

  private constructor(readonly platform: Platform) {
    this.unsubscribe = [
      platform.bus.on('task.status', (event) => this.route(event.runId, { kind: 'task', event })),
      platform.bus.on('task.log', (event) => this.route(event.runId, { kind: 'log', event })),
    ];
  }

  /** Opens the platform (store migrated, engine ready) for the CLI. */
  static async open(options: LocalBackendOptions = {}): Promise<LocalBackend> {
    // Warnings duplicate what the progress display shows (a task failed) and would garble it.
    const level = options.verbose ? (process.env.LOG_LEVEL ?? 'info') : 'error';
    const logger = createLogger({ level, fd: 2 });
    const platform = await createPlatform({ ...(options.home ? { home: options.home } : {}), logger, logLevel: level });
    return new LocalBackend(platform);
  }

  async registerFile(file: string): Promise<RegisterResult> {
    const { pipeline, version, newVersion } = await this.platform.registerFile(file);
    return { pipeline, version, newVersion };
  }

  listPipelines(): Promise<PipelineRecord[]> {
    return this.platform.store.listPipelines();
  }

  triggerRun(pipelineId: string, params: ParamValues): Promise<RunRecord> {
    return this.platform.triggerRun(pipelineId, { params, trigger: 'cli' });
  }

  getRun(runId: string): Promise<RunDetail> {
    return this.platform.getRunDetail(runId);
  }

  async getLogs(runId: string, query: LogQuery = {}): Promise<LogPage> {
    await this.platform.getRunDetail(runId); // NOT_FOUND for an unknown run rather than an empty page
    const logs = await this.platform.store.getLogs({
      runId,
      ...(query.task !== undefined ? { taskId: query.task } : {}),
      ...(query.after !== undefined ? { afterId: query.after } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
    return { logs, nextAfter: logs.length > 0 ? logs[logs.length - 1]?.id : query.after };
  }

  cancelRun(runId: string): Promise<RunRecord> {
    return this.platform.cancelRun(runId);
  }

  rerun(runId: string): Promise<RunRecord> {
    return this.platform.rerunFromFailure(runId);
  }

  async followRun(runId: string, observer: RunObserver = {}): Promise<RunDetail> {
    const drivenHere = this.buffers.has(runId) || this.platform.engine.activeRunIds().includes(runId);
    if (!drivenHere) {
      // Another process drives it: all we share is the store.
      return pollRun({ runId, getRun: (id) => this.getRun(id), getLogs: (id, q) => this.getLogs(id, q), observer });
    }
    const detail = await this.getRun(runId);
    // From here to attaching the follower nothing awaits, so no event falls between buffer and follower.
    const buffered = this.buffers.get(runId) ?? [];
    this.buffers.delete(runId);
    observer.onStart?.(rewind(detail, buffered));
    for (const item of buffered) this.deliver(observer, item);
    this.followers.set(runId, observer);
    try {
      await this.platform.waitForRun(runId);
    } finally {
      this.followers.delete(runId);
    }
    return this.getRun(runId);
  }

  listDatasets(): Promise<DatasetRecord[]> {
    return this.platform.datasets.list();
  }

  getDataset(name: string, versionLimit?: number): Promise<DatasetDetail> {
    return this.platform.datasets.get(name, versionLimit);
  }

  async previewDataset(name: string, query: DatasetPreviewQuery = {}): Promise<DatasetPreview> {
    const preview = await this.platform.datasets.preview(name, query);
    // The same values a server would send, so `--json` and the table do not depend on the mode.
    return { ...preview, rows: toJsonRows(preview.rows) };
  }

  listCheckResults(dataset: string, query: CheckResultsQuery = {}): Promise<CheckResultRecord[]> {
    return listDatasetChecks(this.platform.store, dataset, query);
  }

  async listConnectors(): Promise<ConnectorInfo[]> {
    return this.platform.connectors.list();
  }

  testConnector(query: ConnectorTestQuery): Promise<ConnectorTestResult> {
    return testConnector(this.platform.connectors, query.connector, { baseDir: query.baseDir, discover: query.discover ?? false });
  }

  /** Schedules and backfills go through a scheduler that does not loop: this process fires nothing by itself. */
  private schedulerInstance: Scheduler | undefined;

  private get scheduler(): Scheduler {
    return (this.schedulerInstance ??= new Scheduler({ platform: this.platform }));
  }

  listSchedules(options: { pipelineId?: string; count?: number } = {}): Promise<ScheduleInfo[]> {
    return this.scheduler.catalog.list(options);
  }

  setScheduleEnabled(pipelineId: string, index: number | undefined, enabled: boolean): Promise<ScheduleInfo[]> {
    return this.scheduler.catalog.setEnabled(pipelineId, index, enabled);
  }

  startBackfill(input: CreateBackfillInput): Promise<BackfillDetail> {
    return this.scheduler.backfills.create(input);
  }

  getBackfill(id: string): Promise<BackfillDetail> {
    return this.scheduler.backfills.get(id);
  }

  listBackfills(filter: { pipelineId?: string } = {}): Promise<BackfillRecord[]> {
    return this.scheduler.backfills.list(filter);
  }

  cancelBackfill(id: string): Promise<BackfillDetail> {
    return this.scheduler.backfills.cancel(id);
  }

  resumeBackfill(id: string): Promise<BackfillDetail> {
    return this.scheduler.backfills.resume(id);
  }

  async followBackfill(id: string, onProgress?: (detail: BackfillDetail) => void): Promise<BackfillDetail> {
    // Drives it here unless another process (a server) does; the runs then execute in this process.
    const detail = await this.scheduler.backfills.get(id);
    if (detail.backfill.status === 'running') await this.scheduler.backfills.drive(id);
    return this.scheduler.backfills.waitFor(id, onProgress);
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.schedulerInstance?.stop();
    await this.platform.close();
  }

  private route(runId: string, item: BufferedEvent): void {
    const follower = this.followers.get(runId);
    if (follower) return this.deliver(follower, item);
    let buffer = this.buffers.get(runId);
    if (!buffer) this.buffers.set(runId, (buffer = []));
    if (buffer.length < MAX_BUFFERED) buffer.push(item);
  }

  private deliver(observer: RunObserver, item: BufferedEvent): void {
    if (item.kind === 'log') {
      const { taskId, attempt, ts, stream, message } = item.event;
      observer.onLog?.({ taskId, attempt, ts, stream, message });
      return;
    }
    const { taskId, status, attempt, ts, error, durationMs, nextAttemptAt } = item.event;
    const update: TaskUpdate = { taskId, status, attempt, ts, error: error ?? null, nextAttemptAt: nextAttemptAt ?? null };
    if (durationMs !== undefined) update.durationMs = durationMs;
    observer.onTask?.(update);
  }
}

/**
 * The store may already hold some of the changes that the buffered events carry; put each such
 * task back to its state before its first buffered event, so replaying them tells each change once.
 */
function rewind(detail: RunDetail, buffered: BufferedEvent[]): RunDetail {
  const before = new Map<string, TaskStatusEvent>();
  for (const item of buffered) if (item.kind === 'task' && !before.has(item.event.taskId)) before.set(item.event.taskId, item.event);
  const tasks = detail.tasks.map((task) => {
    const first = before.get(task.taskId);
    if (!first) return task;
    const attempts = first.status === 'running' ? first.attempt - 1 : first.attempt;
    return { ...task, status: first.previous ?? 'pending', attempts: Math.max(0, attempts), error: null, finishedAt: null };
  });
  return { ...detail, tasks };
}
