/**
 * The user-code boundary: whatever a task throws becomes a TaskOutcome. One exhaustive
 * switch maps error codes to outcomes, so a new code cannot be forgotten.
 */
import { errorCodeOf, messageOf, PlatformError, type ErrorCode } from '../core/errors.ts';
import type { SerializedError, TaskOutcome } from './executor.ts';

function assertExhaustive(value: never): never {
  throw new Error(`unhandled error code ${String(value)}`);
}

/** Serialises any thrown value; `userCode` is true unless the platform raised it. */
export function serializeError(error: unknown, code: ErrorCode = errorCodeOf(error) ?? 'TASK_FAILED'): SerializedError {
  const userCode = error instanceof PlatformError ? ('userCode' in error ? Boolean(error.userCode) : code !== 'INTERNAL') : true;
  const out: SerializedError = { code, message: messageOf(error), userCode };
  if (error instanceof Error && error.stack) out.stack = error.stack;
  if (code === 'RETRY_LATER' && error && typeof error === 'object' && 'delayMs' in error) {
    out.retryDelayMs = Number((error as { delayMs: unknown }).delayMs);
  }
  return out;
}

/** Maps what a task threw to how its attempt ended. */
export function outcomeFromError(error: unknown): TaskOutcome {
  const code = errorCodeOf(error) ?? 'TASK_FAILED';
  switch (code) {
    case 'SKIP_TASK':
      return { status: 'skipped', reason: messageOf(error) };
    case 'TASK_FAILED':
    case 'TASK_TIMEOUT':
    case 'TASK_CANCELLED':
    case 'NON_RETRYABLE':
    case 'RETRY_LATER':
      return { status: 'failed', error: serializeError(error, code) };
    case 'VALIDATION_ERROR':
    case 'SPEC_INVALID':
    case 'DAG_INVALID':
    case 'YAML_INVALID':
    case 'PARAM_INVALID':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'UNSUPPORTED':
    case 'UNAUTHORIZED':
    case 'INTERNAL':
      // Errors of the platform's own kinds raised while running a task: the task fails with them.
      return { status: 'failed', error: serializeError(error, code) };
    default:
      return assertExhaustive(code);
  }
}
