/**
 * Errors of the platform. Every error carries a stable `code` so it can be recognised after
 * crossing a process boundary (a worker, the REST API, the CLI), where `instanceof` is lost.
 */

/** Stable error codes, checked by callers as well as `instanceof`. */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'SPEC_INVALID',
  'DAG_INVALID',
  'YAML_INVALID',
  'PARAM_INVALID',
  'NOT_FOUND',
  'CONFLICT',
  'TASK_FAILED',
  'TASK_TIMEOUT',
  'TASK_CANCELLED',
  'NON_RETRYABLE',
  'RETRY_LATER',
  'SKIP_TASK',
  'UNSUPPORTED',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem in a user's input, located by a path such as `tasks[2].retries.max`. */
export interface Issue {
  path: string;
  message: string;
}

/** Base class of every error the platform raises on purpose. */
export class PlatformError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** The user gave something malformed: a spec, a parameter, a request body. */
export class ValidationError extends PlatformError {
  readonly issues: Issue[];

  constructor(message: string, issues: Issue[] = [], code: ErrorCode = 'VALIDATION_ERROR') {
    super(code, issues.length > 0 ? `${message}\n${formatIssues(issues)}` : message, { issues });
    this.issues = issues;
  }
}

/** A pipeline, run or other resource does not exist. */
export class NotFoundError extends PlatformError {
  constructor(kind: string, id: string) {
    super('NOT_FOUND', `${kind} '${id}' not found`, { kind, id });
  }
}

/** A state change that is not allowed from the current state (cancel a finished run, ...). */
export class ConflictError extends PlatformError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
  }
}

/**
 * What a task's own code threw, wrapped at the user-code boundary so it is told apart from a
 * platform fault. `userCode` is true when the failure came from the task, not the platform.
 */
export class TaskError extends PlatformError {
  readonly userCode: boolean;

  constructor(message: string, options: { cause?: unknown; userCode?: boolean; code?: ErrorCode } = {}) {
    super(options.code ?? 'TASK_FAILED', message, undefined, { cause: options.cause });
    this.userCode = options.userCode ?? true;
  }
}

/** Thrown by a task to fail at once, whatever retries remain. */
export class NonRetryableError extends PlatformError {
  constructor(message: string) {
    super('NON_RETRYABLE', message);
  }
}

/** Thrown by a task to be retried after `delayMs` instead of the policy's backoff. */
export class RetryLaterError extends PlatformError {
  readonly delayMs: number;

  constructor(message: string, delayMs: number) {
    super('RETRY_LATER', message, { delayMs });
    this.delayMs = delayMs;
  }
}

/** Thrown by a task to end as `skipped` rather than succeeded or failed. */
export class SkipTaskError extends PlatformError {
  constructor(message = 'task skipped') {
    super('SKIP_TASK', message);
  }
}

/** Reads the code of any thrown value, also of a plain object that crossed a process. */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) return code as ErrorCode;
  }
  return undefined;
}

/** True when the value is a platform error of this code, by class or by code. */
export function isErrorCode(error: unknown, code: ErrorCode): boolean {
  return errorCodeOf(error) === code;
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** Lists issues one per line: `  - tasks[2].retries.max: expected a number`. */
export function formatIssues(issues: Issue[]): string {
  return issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n');
}
