/**
 * What a failed REST call throws. The message names the method, the URL (credentials masked)
 * and the status; headers are never included, so tokens cannot leak into logs.
 */
import { PlatformError } from '../../core/errors.ts';

const SECRET_PARAM = /token|key|secret|password|passwd|signature|sig|auth|credential/i;

/** The URL as it may be shown: user info and secret-looking query values replaced by `***`. */
export function redactUrl(url: URL | string, secretParams: readonly string[] = []): string {
  const shown = new URL(url.toString());
  if (shown.username) shown.username = '***';
  if (shown.password) shown.password = '***';
  for (const name of [...shown.searchParams.keys()]) {
    if (secretParams.includes(name) || SECRET_PARAM.test(name)) shown.searchParams.set(name, '***');
  }
  return shown.toString().replaceAll('%2A%2A%2A', '***');
}

/** The details a RestHttpError carries (also its `details`). */
export interface RestHttpErrorDetails {
  method: string;
  /** Redacted. */
  url: string;
  /** HTTP status, absent for network errors and timeouts. */
  status?: number;
  attempts: number;
}

/**
 * A REST call that failed for good. Client errors (4xx other than 408 and 429) are
 * `NON_RETRYABLE`: a task retry would send the same request and get the same answer.
 */
export class RestHttpError extends PlatformError {
  readonly status: number | undefined;
  readonly url: string;

  constructor(reason: string, details: RestHttpErrorDetails, options: { cause?: unknown } = {}) {
    const { status } = details;
    const clientError = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
    const tries = details.attempts > 1 ? ` after ${details.attempts} attempts` : '';
    super(clientError ? 'NON_RETRYABLE' : 'TASK_FAILED', `${details.method} ${details.url} failed${tries}: ${reason}`, details, options);
    this.status = status;
    this.url = details.url;
  }
}
