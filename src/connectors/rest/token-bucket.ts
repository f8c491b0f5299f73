/**
 * A token bucket: requests take a token each, tokens refill at `rate` per second up to
 * `capacity`. An empty bucket sleeps exactly until the next token is due (no busy waits); time
 * and sleep are injected so tests can check the spacing without waiting.
 */
import type { RestTiming } from './rest-timing.ts';

/** Limits calls to `rate` per second, allowing bursts of `capacity`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  // Callers queue behind one another, so concurrent takers cannot both spend the same token.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly timing: Pick<RestTiming, 'now' | 'sleep'>,
  ) {
    this.tokens = capacity;
    this.last = timing.now();
  }

  /** Waits for a token and takes it. */
  take(signal: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.takeNow(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.timing.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
      // The epsilon absorbs float error, which would otherwise cost an extra 1 ms sleep.
      if (this.tokens >= 1 - 1e-9) {
        this.tokens -= 1;
        return;
      }
      await this.timing.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rate), signal);
    }
  }
}
