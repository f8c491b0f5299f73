/**
 * Retry decisions: whether a failed attempt gets another, and after how long. Reads only the
 * policy, the attempt number and the control-flow errors (NonRetryableError, RetryLaterError).
 */
import { errorCodeOf, type ErrorCode } from '../core/errors.ts';
import type { RetryPolicy } from '../core/spec/pipeline-spec.ts';

/**
 * Failures that another attempt cannot fix: the task asked not to be retried, was cancelled,
 * or was given input that is wrong (a bad config, param or spec fails the same way every time).
 */
const NEVER_RETRIED: ReadonlySet<string> = new Set(['NON_RETRYABLE', 'TASK_CANCELLED', 'VALIDATION_ERROR', 'SPEC_INVALID', 'DAG_INVALID', 'YAML_INVALID', 'PARAM_INVALID', 'UNSUPPORTED']);

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

/**
 * The backoff before attempt `attempt + 1`, after `attempt` failed: exponential
 * `base * factor^(attempt-1)` capped at `cap`, then with full jitter a uniform draw in [0, that].
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const { base, factor, cap } = policy.backoff;
  const exponential = Math.min(cap, base * factor ** Math.max(0, attempt - 1));
  return policy.jitter === 'full' ? Math.floor(random() * exponential) : exponential;
}

/** Decides what follows a failed attempt (1-based) with this error code. */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  failure: { code?: ErrorCode | string | null; retryDelayMs?: number | null },
  random: () => number = Math.random,
): RetryDecision {
  if (failure.code && NEVER_RETRIED.has(failure.code)) return { retry: false };
  if (attempt > policy.max) return { retry: false };
  if (failure.code === 'RETRY_LATER' && typeof failure.retryDelayMs === 'number') {
    return { retry: true, delayMs: Math.min(policy.backoff.cap, failure.retryDelayMs) };
  }
  return { retry: true, delayMs: backoffDelay(policy, attempt, random) };
}

export { errorCodeOf };
