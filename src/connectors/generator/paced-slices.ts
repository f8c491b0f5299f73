/**
 * The slices `read` and `scan` emit: batch-sized in count mode; in rate mode, small slices
 * released when their last event is due, so consumers see a steady stream instead of one batch
 * every `batch_size / rate` seconds.
 */
import type { GeneratorPlan } from './generator-config.ts';

/** Time, injected so tests can pace without waiting. */
export interface PacingClock {
  now(): number;
  /** Resolves after `ms`, or rejects when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Release paced events about every 100 ms. */
const TICK_MS = 100;

/** Yields `[offset, n]` slices covering the plan, waiting in rate mode until each is due. */
export async function* pacedSlices(plan: GeneratorPlan, clock: PacingClock, signal: AbortSignal): AsyncGenerator<[offset: number, n: number]> {
  const rate = plan.rate;
  const size = rate === undefined ? plan.batchSize : Math.max(1, Math.min(plan.batchSize, Math.round((rate * TICK_MS) / 1000)));
  const t0 = clock.now();
  for (let offset = 0; offset < plan.total; offset += size) {
    signal.throwIfAborted();
    const n = Math.min(size, plan.total - offset);
    if (rate !== undefined) {
      const wait = t0 + ((offset + n) / rate) * 1000 - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
    }
    yield [offset, n];
  }
}
