/**
 * The misfire policy: which slots of a schedule to fire at `now`, given the last slot it
 * fired (or the time it was resumed). In steady state that is the one slot that just fell
 * due; after downtime (or a slow tick) several may have, and the policy decides:
 *
 * - `skip` (the default; Airflow's `catchup=False`): fire once, for the most recent missed
 *   slot, and skip the older ones. A daily report that was down for three days runs once,
 *   for today.
 * - `catch_up`: fire every missed slot, oldest first, but at most `max_catch_up` (default 10)
 *   of them: the latest ones, so a long outage cannot flood the engine.
 */
import type { MisfirePolicy } from '../core/spec/pipeline-spec.ts';
import type { CronSchedule } from './cron-schedule.ts';

/** How many missed slots `catch_up` fires when the schedule does not say. */
export const DEFAULT_MAX_CATCH_UP = 10;

/** What `dueSlots` needs to know about a schedule. */
export interface MisfireOptions {
  misfire?: MisfirePolicy | undefined;
  maxCatchUp?: number | undefined;
}

/**
 * The slots to fire now, oldest first: slots after `since` and at or before `now`, reduced by
 * the policy.
 *
 * @example
 * dueSlots(new CronSchedule('0 * * * *'), at('01:00'), at('04:30'), { misfire: 'catch_up' }); // 02:00, 03:00, 04:00
 * dueSlots(new CronSchedule('0 * * * *'), at('01:00'), at('04:30'), { misfire: 'skip' }); // 04:00
 */
export function dueSlots(schedule: CronSchedule, since: Date, now: Date, options: MisfireOptions = {}): Date[] {
  const limit = options.misfire === 'catch_up' ? (options.maxCatchUp ?? DEFAULT_MAX_CATCH_UP) : 1;
  return schedule.latestBetween(since, now, limit);
}
