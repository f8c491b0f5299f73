/**
 * Statuses of runs and task runs, as `const` tuples with derived unions.
 *
 * Glossary
 * - run: one execution of one pipeline version with its params.
 * - task run: the state of one task within a run; it may have several attempts.
 * - attempt: one try of a task run; retries make new attempts.
 */

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TASK_STATUSES = [
  'pending',
  'queued',
  'running',
  'up_for_retry',
  'succeeded',
  'failed',
  'skipped',
  'upstream_failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled']);
export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'skipped',
  'upstream_failed',
  'cancelled',
]);

/** Task statuses that count as a success for trigger rules and re-runs. */
export const SUCCESS_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(['succeeded', 'skipped']);
/** Task statuses that count as a failure for trigger rules. */
export const FAILURE_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(['failed', 'upstream_failed']);

export function isTerminalRunStatus(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.has(status);
}

export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.has(status);
}

export const TRIGGER_RULES = ['all_success', 'all_done', 'one_failed', 'always'] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];
