/**
 * Decides what becomes of a task once all its upstream tasks have finished.
 *
 * - all_success: runs when every upstream succeeded (or was reused); upstream_failed when one
 *   failed; skipped when the rest were skipped.
 * - all_done: runs whatever the upstream outcomes.
 * - one_failed: runs when at least one upstream failed; skipped otherwise.
 * - always: like all_done, and also runs after upstream tasks were cancelled (a clean-up hook),
 *   unless the run itself is being cancelled.
 */
import { FAILURE_TASK_STATUSES, type TaskStatus, type TriggerRule } from '../core/statuses.ts';

export type TriggerDecision = 'run' | 'skipped' | 'upstream_failed' | 'cancelled';

export function decideTrigger(rule: TriggerRule, upstream: readonly TaskStatus[]): TriggerDecision {
  const anyFailed = upstream.some((s) => FAILURE_TASK_STATUSES.has(s));
  const anyCancelled = upstream.some((s) => s === 'cancelled');
  switch (rule) {
    case 'all_success':
      if (anyFailed) return 'upstream_failed';
      if (anyCancelled) return 'cancelled';
      return upstream.every((s) => s === 'succeeded') ? 'run' : 'skipped';
    case 'all_done':
      return anyCancelled ? 'cancelled' : 'run';
    case 'one_failed':
      if (anyFailed) return 'run';
      return anyCancelled ? 'cancelled' : 'skipped';
    case 'always':
      return 'run';
  }
}
