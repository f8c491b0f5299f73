/**
 * A typed client of the REST API, one method per route, over global fetch. Failures come back
 * as the PlatformError the server raised (same code, message and details), so a caller such
 * as the CLI handles a remote error exactly like a local one.
 */
import { ERROR_CODES, PlatformError, type ErrorCode } from '../core/errors.ts';
import type { RunStatus } from '../core/statuses.ts';
import type { DatasetVersionStatus } from '../store/store.ts';
import {
  API_PREFIX,
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
  type Pipeline,
  type PipelineDetail,
  type RegisterPipelineResponse,
  type Run,
  type RunDetail,
  type ValidatePipelineResponse,
} from './schemas.ts';

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
  limit?: number;
  /** The `nextCursor` of the previous page. */
  before?: string;
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

  async listPipelines(options: { archived?: boolean } = {}): Promise<Pipeline[]> {
    const out = await this.request<{ pipelines: Pipeline[] }>('GET', `${API_PREFIX}/pipelines`, { query: { archived: options.archived ? 'true' : undefined } });
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

  executePipeline(id: string, params: Record<string, unknown> = {}): Promise<{ run: Run }> {
    return this.request('POST', `${API_PREFIX}/pipelines/${encodeURIComponent(id)}/execute`, { body: { params } });
  }

  listRuns(filter: ListRunsFilter = {}): Promise<ListRunsResponse> {
    const query = { pipeline: filter.pipeline, status: filter.status?.join(','), limit: filter.limit, before: filter.before };
    return this.request('GET', `${API_PREFIX}/executions`, { query });
  }

  getRunStatus(runId: string): Promise<RunDetail> {
    return this.request('GET', `${API_PREFIX}/executions/${encodeURIComponent(runId)}/status`);
  }

  getLogs(runId: string, filter: LogsFilter = {}): Promise<LogsResponse> {
    return this.request('GET', `${API_PREFIX}/executions/${encodeURIComponent(runId)}/logs`, { query: { ...filter } });
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

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: Record<string, string | number | undefined>; body?: unknown; text?: boolean } = {},
  ): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
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
    if (options.text) return text as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PlatformError('INTERNAL', `the server at ${this.baseUrl} answered ${method} ${path} with a body that is not JSON`);
    }
  }
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
