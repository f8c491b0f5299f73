/**
 * Time as the REST connector's rate limiter and retries see it, injected so tests can check
 * spacing and backoff against a real server without waiting.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Clock, sleep and randomness of the REST connector. */
export interface RestTiming {
  now(): number;
  /** Resolves after `ms`, or rejects when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Uniform in [0, 1), for backoff jitter. */
  random(): number;
}

/** Real time. */
export const systemRestTiming: RestTiming = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }),
  random: () => Math.random(),
};
