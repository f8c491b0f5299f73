/**
 * A typed client of the REST API, one method per route, over global fetch. Failures come back
 * as the PlatformError the server raised (same code, message and details), so a caller such
 * as the CLI handles a remote error exactly like a local one.
 */
import { ERROR_CODES, PlatformError, type ErrorCode } from '../core/errors.ts';
import type { PlatformEvents } from '../core/event-bus.ts';
import type { RunStatus } from '../core/statuses.ts';
import type { DatasetVersionStatus } from '../store/store.ts';
import {
  API_PREFIX,
  type CheckResult,
  type ConnectorInfo,
  type ConnectorsResponse,
  type ConnectorTestResult,
  type Dataset,
  type DatasetDetail,
  type DatasetPreview,
  type DatasetSchema,
  type DatasetVersion,
  type Health,
  type ListRunsResponse,
  type LogsResponse,
  type MetricsSummary,
  type PipelineDetail,
  type RegisterPipelineResponse,
  type Run,
  type RunDetail,
  type TaskLog,
  type ValidatePipelineResponse,
  type WorkersResponse,
} from './schemas.ts';
import type { Backfill, BackfillDetail, BackfillStatus, CreateBackfillBody, Schedule } from './schemas.ts';
import type { StreamEventType } from './schemas/events.ts';
import type { DatasetLineage } from './schemas/lineage.ts';
import type { PipelineDiff, PipelineSummary, PipelineVersionDetail, PipelineVersionInfo } from './schemas/pipelines.ts';
import type { RunsOverview } from './schemas/runs-overview.ts';
import { readSse } from './sse-client.ts';

export interface ApiClientOptions {
  /** Gives up on a request after this long (default 30 s). */
  timeoutMs?: number;
  /** Sent with every request (an API key, once the server asks for one). */
  headers?: Record<string, string>;
}

/** A spec to register or validate: a JSON object or YAML text. */
export type PipelineSourceInput = { spec: Record<string, unknown> } | { yaml: string };

export interface ListRunsFilter {
  pipeline?: string;
  status?: RunStatus[];
  /** ISO times bounding when the runs were created (since inclusive, until exclusive). */
  since?: string;
  until?: string;
  limit?: number;
  /** The `nextCursor` of the previous page. */
  before?: string;
}

/** Which events to stream, and where to resume. */
export interface EventsFilter {
  run?: string;
  pipeline?: string;
  types?: StreamEventType[];
  /** The id of the last event seen: the persisted events after it are replayed first. */
  after?: number;
}

/** One event of GET /api/v1/events; `id` is the seq of persisted events, null for live-only ones. */
export type ApiEvent = { [K in StreamEventType]: { id: number | null; type: K; data: PlatformEvents[K] } }[StreamEventType];

/** A stream's stop switch: abort it to end the iteration. */
export interface StreamOptions {
  signal?: AbortSignal;
}

export interface LogsFilter {
  task?: string;
  attempt?: number;
  /** Only lines with an id above this (the previous `nextAfter`). */
  after?: number;
  limit?: number;
}

/** Which version of a dataset: by id, by the run that wrote it, or (neither) the latest published. */
export interface DatasetVersionSelector {
  run?: string;
  version?: string;
}

export interface DatasetPreviewOptions extends DatasetVersionSelector {
  limit?: number;
  offset?: number;
}

export interface DatasetVersionsFilter {
  run?: string;
  status?: DatasetVersionStatus[];
  limit?: number;
}

/** A connector check: the block as in a spec, and where its relative paths resolve on the server. */
export interface TestConnectorInput {
  connector: { type: string } & Record<string, unknown>;
  discover?: boolean;
  baseDir?: string;
}

/**
 * Talks to a DataDog server.
 * @example
 * const api = new ApiClient('http://127.0.0.1:8000');
 * const { run } = await api.executePipeline('hello', { name: 'Ada' });
 * console.log((await api.getRunStatus(run.id)).run.status);
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(baseUrl: string, options: ApiClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = { ...options.headers };
  }

  health(): Promise<Health> {
    return this.request('GET', '/health');
  }

  /** Run counts by status and task durations (GET /api/v1/metrics), optionally for one pipeline. */
  metrics(pipeline?: string): Promise<MetricsSummary> {
    return this.request('GET', `${API_PREFIX}/metrics`, { query: { pipeline } });
  }

  /** The Prometheus text of GET /metrics. */
  prometheusMetrics(): Promise<string> {
    return this.request('GET', '/metrics', { text: true });
  }

  /** Where tasks run: the live `datadog worker` processes, or the server itself with the local executor. */
  workers(): Promise<WorkersResponse> {
    return this.request('GET', `${API_PREFIX}/workers`);
  }

  /** Pipelines with their last run (PipelineSummary extends Pipeline). */
  async listPipelines(options: { archived?: boolean } = {}): Promise<PipelineSummary[]> {
    const out = await this.request<{ pipelines: PipelineSummary[] }>('GET', `${API_PREFIX}/pipelines`, { query: { archived: options.archived ? 'true' : undefined } });
    return out.pipelines;
  }

  /** Registers a spec; `sourcePath` names the file it came from (absolute, as the server sees it). */
  createPipeline(source: PipelineSourceInput, sourcePath?: string): Promise<RegisterPipelineResponse> {
    return this.request('POST', `${API_PREFIX}/pipelines`, { body: { ...source, ...(sourcePath ? { sourcePath } : {}) } });
  }

  validatePipeline(source: PipelineSourceInput): Promise<ValidatePipelineResponse> {
    return this.request('POST', `${API_PREFIX}/pipelines/validate`, { body: source });
  }

  getPipeline(id: string): Promise<PipelineDetail> {
    return this.request('GET', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}`);
  }

  /** Registers a new spec for an existing pipeline; the spec's id must be `id`. */
  updatePipeline(id: string, source: PipelineSourceInput, sourcePath?: string): Promise<RegisterPipelineResponse> {
    return this.request('PUT', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}`, { body: { ...source, ...(sourcePath ? { sourcePath } : {}) } });
  }

  /** Archives a pipeline (hidden from the list; versions and runs stay). */
  async archivePipeline(id: string): Promise<void> {
    await this.request('DELETE', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}`);
  }

  /** Newest first. */
  async listPipelineVersions(id: string): Promise<PipelineVersionInfo[]> {
    return (await this.request<{ versions: PipelineVersionInfo[] }>('GET', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/versions`)).versions;
  }

  getPipelineVersion(id: string, version: string): Promise<PipelineVersionDetail> {
    return this.request('GET', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`);
  }

  /** What changed between two versions (default: the current one and the one before it). */
  diffPipeline(id: string, versions: { from?: string; to?: string } = {}): Promise<PipelineDiff> {
    return this.request('GET', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/diff`, { query: { from: versions.from, to: versions.to } });
  }

  listPipelineRuns(id: string, filter: Omit<ListRunsFilter, 'pipeline'> = {}): Promise<ListRunsResponse> {
    return this.request('GET', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/runs`, { query: runsQuery(filter) });
  }

  executePipeline(id: string, params: Record<string, unknown> = {}): Promise<{ run: Run }> {
    return this.request('POST', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/execute`, { body: { params } });
  }

  listRuns(filter: ListRunsFilter = {}): Promise<ListRunsResponse> {
    return this.request('GET', `${API_PREFIX}/executions`, { query: { pipeline: filter.pipeline, ...runsQuery(filter) } });
  }

  /** A run with its task runs and attempts (the same as getRunStatus). */
  getRun(runId: string): Promise<RunDetail> {
    return this.request('GET', `${API_PREFIX}/executions/${encodeURIComponent(runId)}`);
  }

  getRunStatus(runId: string): Promise<RunDetail> {
    return this.request('GET', `${API_PREFIX}/executions/${encodeURIComponent(runId)}/status`);
  }

  getLogs(runId: string, filter: LogsFilter = {}): Promise<LogsResponse> {
    return this.request('GET', `${API_PREFIX}/executions/${encodeURIComponent(runId)}/logs`, { query: { ...filter } });
  }

  /**
   * A run's log lines as they are written, until the run has finished and its last line is
   * read. Starts after line id `filter.after` (default: the first line).
   * @example
   * for await (const line of api.followLogs(run.id)) console.log(line.message);
   */
  async *followLogs(runId: string, filter: Omit<LogsFilter, 'limit'> = {}, options: StreamOptions = {}): AsyncGenerator<TaskLog> {
    const query = { follow: 'true', task: filter.task, attempt: filter.attempt, after: filter.after };
    for await (const event of this.stream(`${API_PREFIX}/executions/${encodeURIComponent(runId)}/logs`, query, {}, options.signal)) {
      if (event.event === 'end') return;
      if (event.event === 'log') yield JSON.parse(event.data) as TaskLog;
    }
  }

  /**
   * Platform events as they happen (GET /api/v1/events). Pass the last `id` seen as `after`
   * to resume without gaps; the iteration ends when `signal` aborts or the server closes.
   * @example
   * for await (const event of api.events({ run: run.id, types: ['task.status'] })) console.log(event.data.taskId, event.data.status);
   */
  async *events(filter: EventsFilter = {}, options: StreamOptions = {}): AsyncGenerator<ApiEvent> {
    const query = { run: filter.run, pipeline: filter.pipeline, types: filter.types?.join(',') };
    const headers: Record<string, string> = filter.after !== undefined ? { 'last-event-id': String(filter.after) } : {};
    for await (const event of this.stream(`${API_PREFIX}/events`, query, headers, options.signal)) {
      yield { id: event.id === null ? null : Number(event.id), type: event.event, data: JSON.parse(event.data) } as ApiEvent;
    }
  }

  cancelRun(runId: string): Promise<{ run: Run }> {
    return this.request('POST', `${API_PREFIX}/executions/${encodeURIComponent(runId)}/cancel`);
  }

  rerun(runId: string): Promise<{ run: Run }> {
    return this.request('POST', `${API_PREFIX}/executions/${encodeURIComponent(runId)}/rerun`);
  }

  connectors(): Promise<ConnectorsResponse> {
    return this.request('GET', `${API_PREFIX}/connectors`);
  }

  getConnector(type: string): Promise<ConnectorInfo> {
    return this.request('GET', `${API_PREFIX}/connectors/${encodeURIComponent(type)}`);
  }

  /** Checks a connector config on the server; a check that ran and failed resolves with `ok: false`. */
  testConnector(input: TestConnectorInput): Promise<ConnectorTestResult> {
    return this.request('POST', `${API_PREFIX}/connectors/test`, { body: input });
  }

  async listDatasets(): Promise<Dataset[]> {
    return (await this.request<{ datasets: Dataset[] }>('GET', `${API_PREFIX}/datasets`)).datasets;
  }

  /** A dataset with its newest `limit` versions. */
  getDataset(name: string, options: { limit?: number } = {}): Promise<DatasetDetail> {
    return this.request('GET', `${API_PREFIX}/datasets/${encodeURIComponent(name)}`, { query: { limit: options.limit } });
  }

  async listDatasetVersions(name: string, filter: DatasetVersionsFilter = {}): Promise<DatasetVersion[]> {
    const query = { run: filter.run, status: filter.status?.join(','), limit: filter.limit };
    return (await this.request<{ versions: DatasetVersion[] }>('GET', `${API_PREFIX}/datasets/${encodeURIComponent(name)}/versions`, { query })).versions;
  }

  /** Rows of a dataset version, JSON-safe (times as ISO strings, big integers as strings). */
  previewDataset(name: string, options: DatasetPreviewOptions = {}): Promise<DatasetPreview> {
    const query = { run: options.run, version: options.version, limit: options.limit, offset: options.offset };
    return this.request('GET', `${API_PREFIX}/datasets/${encodeURIComponent(name)}/preview`, { query });
  }

  getDatasetSchema(name: string, selector: DatasetVersionSelector = {}): Promise<DatasetSchema> {
    return this.request('GET', `${API_PREFIX}/datasets/${encodeURIComponent(name)}/schema`, { query: { run: selector.run, version: selector.version } });
  }

  /** Check results of a dataset, newest first, optionally only those of one run. */
  async listCheckResults(name: string, options: { run?: string; limit?: number } = {}): Promise<CheckResult[]> {
    const query = { run: options.run, limit: options.limit };
    return (await this.request<{ results: CheckResult[] }>('GET', `${API_PREFIX}/datasets/${encodeURIComponent(name)}/checks`, { query })).results;
  }

  /** The lineage graph of a dataset, `depth` datasets each way (default 3). */
  datasetLineage(name: string, depth?: number): Promise<DatasetLineage> {
    return this.request('GET', `${API_PREFIX}/datasets/${encodeURIComponent(name)}/lineage`, { query: { depth } });
  }

  /** The runs overview of a time window (GET /api/v1/metrics/summary; default: the last 24 hours). */
  runsOverview(options: { since?: string; pipeline?: string } = {}): Promise<RunsOverview> {
    return this.request('GET', `${API_PREFIX}/metrics/summary`, { query: { since: options.since, pipeline: options.pipeline } });
  }

  /** Opens an event stream; no timeout, since it is meant to stay open. */
  private async *stream(path: string, query: Record<string, string | number | undefined>, headers: Record<string, string>, signal?: AbortSignal) {
    const url = this.url(path, query);
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'text/event-stream', ...this.headers, ...headers }, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) return;
      throw unreachable(this.baseUrl, error);
    }
    if (!response.ok || !response.body) throw errorFromResponse(response.status, await response.text());
    try {
      yield* readSse(response.body);
    } catch (error) {
      // Aborting is how a caller stops a stream, not a failure.
      if (!signal?.aborted) throw error;
    }
  }

  private url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Schedules with their next `count` fire times, of every pipeline or one. */
  async listSchedules(options: { pipeline?: string; count?: number } = {}): Promise<Schedule[]> {
    return (await this.request<{ schedules: Schedule[] }>('GET', `${API_PREFIX}/schedules`, { query: { pipeline: options.pipeline, count: options.count } })).schedules;
  }

  /** Turns one schedule of a pipeline (by index) or all of them on or off; returns the ones changed. */
  async setScheduleEnabled(pipelineId: string, index: number | undefined, enabled: boolean): Promise<Schedule[]> {
    const at = index === undefined ? '' : `/${index}`;
    const path = `${API_PREFIX}/schedules/${encodeURIComponent(pipelineId)}${at}/${enabled ? 'enable' : 'disable'}`;
    return (await this.request<{ schedules: Schedule[] }>('POST', path)).schedules;
  }

  /** Starts a run as a webhook would (trigger `webhook`). */
  triggerPipeline(id: string, params: Record<string, unknown> = {}): Promise<{ run: Run }> {
    return this.request('POST', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/trigger`, { body: { params } });
  }

  /** Starts a backfill of a partitioned pipeline. */
  createBackfill(pipelineId: string, body: CreateBackfillBody): Promise<BackfillDetail> {
    return this.request('POST', `${API_PREFIX}/pipelines/${encodeURIComponent(pipelineId)}/backfills`, { body });
  }

  async listBackfills(filter: { pipeline?: string; status?: BackfillStatus[]; limit?: number } = {}): Promise<Backfill[]> {
    const query = { pipeline: filter.pipeline, status: filter.status?.join(','), limit: filter.limit };
    return (await this.request<{ backfills: Backfill[] }>('GET', `${API_PREFIX}/backfills`, { query })).backfills;
  }

  getBackfill(id: string): Promise<BackfillDetail> {
    return this.request('GET', `${API_PREFIX}/backfills/${encodeURIComponent(id)}`);
  }

  cancelBackfill(id: string): Promise<BackfillDetail> {
    return this.request('POST', `${API_PREFIX}/backfills/${encodeURIComponent(id)}/cancel`);
  }

  resumeBackfill(id: string): Promise<BackfillDetail> {
    return this.request('POST', `${API_PREFIX}/backfills/${encodeURIComponent(id)}/resume`);
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { query?: Record<string, string | number | undefined>; body?: unknown; text?: boolean } = {},
  ): Promise<T> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { accept: options.text ? 'text/plain' : 'application/json', ...this.headers };
    // A POST without a body must not claim JSON: fastify refuses an empty JSON body.
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response.status, text);
    if (response.status === 204) return undefined as T;
    if (options.text) return text as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PlatformError('INTERNAL', `the server at ${this.baseUrl} answered ${method} ${path} with a body that is not JSON`);
    }
  }
}

/** The query of a run listing. */
function runsQuery(filter: Omit<ListRunsFilter, 'pipeline'>): Record<string, string | number | undefined> {
  return { status: filter.status?.join(','), since: filter.since, until: filter.until, limit: filter.limit, before: filter.before };
}

/** Rebuilds the server's error from `{ error: { code, message, details } }`. */
function errorFromResponse(status: number, text: string): PlatformError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const code = typeof error.code === 'string' && (ERROR_CODES as readonly string[]).includes(error.code) ? (error.code as ErrorCode) : 'INTERNAL';
    return new PlatformError(code, error.message, error.details ?? undefined);
  }
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 401 || status === 403 ? 'UNAUTHORIZED' : status === 409 ? 'CONFLICT' : 'INTERNAL';
  return new PlatformError(code, `the server answered ${status}: ${text.slice(0, 200)}`, { status });
}

function unreachable(baseUrl: string, error: unknown): PlatformError {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : typeof cause?.code === 'string' ? cause.code : 'unreachable';
  return new PlatformError('INTERNAL', `cannot reach the server at ${baseUrl} (${reason})`, { url: baseUrl, reason }, { cause: error });
}
