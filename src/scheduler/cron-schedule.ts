/**
 * One cron expression in one time zone, as the scheduler reads it: which slots fell due in a
 * window, and which come next. Slots are computed by croner (five fields, or six with seconds
 * first; DST gaps and repeats handled the way croner documents).
 */
import { Cron } from 'croner';

/**
 * The slots of a cron expression.
 *
 * @example
 * const daily = new CronSchedule('0 9 * * *', 'Europe/Paris');
 * daily.next(new Date('2026-01-01T00:00:00Z'), 1); // [2026-01-01T08:00:00.000Z]
 */
export class CronSchedule {
  readonly cron: string;
  readonly timezone: string | null;
  readonly #cron: Cron;

  constructor(cron: string, timezone?: string | null) {
    this.cron = cron;
    this.timezone = timezone ?? null;
    // paused and without a callback: croner only computes times, it never starts a timer.
    this.#cron = new Cron(cron, { mode: '5-or-6-parts', paused: true, ...(timezone ? { timezone } : {}) });
  }

  /** The next `n` slots strictly after `after`. */
  next(after: Date, n: number): Date[] {
    return n <= 0 ? [] : this.#cron.nextRuns(n, after);
  }

  /**
   * Up to `limit` slots in `(after, until]`, oldest first: the latest ones when more fell due.
   * Reads backwards from `until`, so a long outage of a per-second schedule costs `limit` steps.
   */
  latestBetween(after: Date, until: Date, limit: number): Date[] {
    if (limit <= 0 || until.getTime() <= after.getTime()) return [];
    // croner's reference is exclusive and works in whole seconds: a slot at `until` counts.
    const reference = new Date(Math.floor(until.getTime() / 1000) * 1000 + 1000);
    return this.#cron
      .previousRuns(limit, reference)
      .filter((slot) => slot.getTime() > after.getTime() && slot.getTime() <= until.getTime())
      .reverse();
  }
}
