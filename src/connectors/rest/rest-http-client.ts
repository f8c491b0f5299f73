/**
 * One REST call with the connector's policies: auth, rate limit, per-request timeout, and
 * retries on 429, 5xx, timeouts and network errors (Retry-After honoured, else exponential
 * backoff with jitter), all bounded by the task's signal.
 */
import type { ConnectorLogger } from '../connector.ts';
import { applyAuth, secretQueryParams } from './rest-auth.ts';
import type { HttpMethod, RestConfig } from './rest-config.ts';
import { RestHttpError, redactUrl } from './rest-http-error.ts';
import type { RestTiming } from './rest-timing.ts';
import { parseRetryAfter } from './retry-after.ts';
import { TokenBucket } from './token-bucket.ts';

/** One request; the client adds headers, auth and the body's content type. */
export interface RestRequest {
  method: HttpMethod;
  url: URL;
  /** Sent as JSON when defined. */
  body?: unknown;
}

/** A successful response with its JSON body parsed. */
export interface RestResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON; null for an empty body. */
  body: unknown;
  /** The URL called, with credentials masked, for messages. */
  shownUrl: string;
}

type Failure = { reason: string; status?: number; retryAfterMs?: number; cause?: unknown };

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;
const snippet = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
};
const jsonBody = (body: unknown) => JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

/** Sends requests for one connector call; the rate limit spans all of them. */
export class RestHttpClient {
  private readonly bucket: TokenBucket | undefined;
  private readonly secretParams: string[];

  constructor(
    private readonly config: RestConfig,
    private readonly timing: RestTiming,
    private readonly log: ConnectorLogger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    const limit = config.rate_limit;
    this.bucket = limit ? new TokenBucket(limit.requests_per_second, limit.burst, timing) : undefined;
    this.secretParams = secretQueryParams(config.auth);
  }

  /** Sends the request, retrying as configured; throws RestHttpError when it fails for good. */
  async send(request: RestRequest, signal: AbortSignal): Promise<RestResponse> {
    const url = new URL(request.url);
    const headers = new Headers({ accept: 'application/json' });
    for (const [name, value] of Object.entries(this.config.headers)) headers.set(name, value);
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    applyAuth(this.config.auth, url, headers);
    const shownUrl = redactUrl(url, this.secretParams);
    const body = request.body === undefined ? undefined : jsonBody(request.body);
    const { retry } = this.config;

    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      await this.bucket?.take(signal);
      const outcome = await this.attempt(request.method, url, headers, body, signal);
      if ('body' in outcome) return { ...outcome, shownUrl };
      const failure = outcome;
      const retryable = failure.status === undefined || RETRYABLE_STATUS(failure.status);
      if (!retryable || attempt > retry.max) {
        throw new RestHttpError(failure.reason, { method: request.method, url: shownUrl, status: failure.status, attempts: attempt }, { cause: failure.cause });
      }
      const backoff = Math.min(retry.cap_ms, retry.base_ms * 2 ** (attempt - 1));
      // Equal jitter: at least half the backoff, so retries never bunch up at zero.
      const wait = Math.min(retry.cap_ms, failure.retryAfterMs ?? backoff / 2 + (this.timing.random() * backoff) / 2);
      this.log.warn(`${request.method} ${shownUrl}: ${failure.reason}; retry ${attempt}/${retry.max} in ${Math.round(wait)} ms`);
      await this.timing.sleep(wait, signal);
    }
  }

  private async attempt(method: string, url: URL, headers: Headers, body: string | undefined, signal: AbortSignal): Promise<Omit<RestResponse, 'shownUrl'> | Failure> {
    const timeout = AbortSignal.timeout(this.config.timeout_ms);
    let response: Response;
    let text: string;
    try {
      // The body is read under the same signals: a server that stalls mid-body also times out.
      response = await this.fetchImpl(url, { method, headers, body, signal: AbortSignal.any([signal, timeout]) });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      if (timeout.aborted) return { reason: `timed out after ${this.config.timeout_ms} ms`, cause: error };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { reason: `network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`, cause: error };
    }
    if (response.status >= 400) {
      const detail = snippet(text);
      return {
        reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${detail ? `: ${detail}` : ''}`,
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.timing.now()),
      };
    }
    if (text.trim() === '') return { status: response.status, headers: response.headers, body: null };
    try {
      return { status: response.status, headers: response.headers, body: JSON.parse(text) };
    } catch (error) {
      throw new RestHttpError(`HTTP ${response.status} but the body is not JSON: ${snippet(text)}`, { method, url: redactUrl(url, this.secretParams), status: response.status, attempts: 1 }, { cause: error });
    }
  }
}
