import { z } from 'zod';
import { durationSchema } from '../../core/duration.ts';
import { defineTaskKind } from '../task-kind.ts';

/** Waits for a duration, ending early (as cancelled or timed out) when the signal aborts. */
export const sleepTask = defineTaskKind({
  name: 'sleep',
  description: 'Waits for a duration (e.g. 5s); stops when cancelled or timed out.',
  configSchema: z.object({ duration: durationSchema }).strict(),
  run: (ctx) =>
    new Promise<{ sleptMs: number }>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(ctx.signal.reason);
      const timer = setTimeout(() => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve({ sleptMs: ctx.config.duration });
      }, ctx.config.duration);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    }),
});
