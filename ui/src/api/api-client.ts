/**
 * A thin fetch wrapper for the REST API. Failures become an ApiError carrying the server's
 * `{ error: { code, message, details } }`, so forms can place each issue by its path.
 */
import type { ErrorBody } from './types.ts';

export const API_PREFIX = '/api/v1';

/** One located problem of a validation error (`params.rows: expected an integer`). */
export interface ApiIssue {
  path: string;
  message: string;
}

/** A failed request: the HTTP status with the server's error code, message and issues. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];

  constructor(status: number, code: string, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  /** True when the route does not exist on this server (yet): the UI shows a designed empty state. */
  get isMissingRoute(): boolean {
    return this.status === 404 && /^no route /.test(this.message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** `path` under /api/v1 with the defined query values appended. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_PREFIX}${path}${search ? `?${search}` : ''}`;
}

function issuesOf(details: unknown): ApiIssue[] {
  const issues = (details as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues
    .filter((i): i is { path?: unknown; message?: unknown } => typeof i === 'object' && i !== null)
    .map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? '') }));
}

async function request<T>(method: string, url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      signal: signal ?? null,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'cannot reach the server; is `datadog server` running?');
  }
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const error = (json as ErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? (response.statusText || `HTTP ${response.status}`), issuesOf(error?.details));
  }
  if (json === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', `expected JSON from ${url}`);
  return json as T;
}

/** GET a JSON resource under /api/v1. */
export function apiGet<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', apiUrl(path, query), undefined, signal);
}

/** POST JSON to a resource under /api/v1. */
export function apiPost<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', apiUrl(path), body ?? {});
}

/** A path segment, escaped (dataset names may hold dots or slashes). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
