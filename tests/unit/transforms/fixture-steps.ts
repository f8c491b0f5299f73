/**
 * Step functions loaded by module path in the function-step tests (`module: ./fixture-steps.ts`).
 */
import type { FunctionStepContext, StepFunction } from '../../../src/engine/transforms/function-step.ts';

/** Adds a `tier` column from `amount`. */
export const enrich: StepFunction = (batch) => batch.map((row) => ({ ...row, tier: Number(row.amount) >= 100 ? 'gold' : 'basic' }));

/** Yields each row twice, one at a time, as an async generator. */
export async function* duplicate(batch: Array<Record<string, unknown>>, _ctx: FunctionStepContext): AsyncGenerator<Record<string, unknown>> {
  for (const row of batch) {
    yield { ...row, copy: 1 };
    yield { ...row, copy: 2 };
  }
}

/** Returns a nested payload for flattening after the function. */
export const nest: StepFunction = (batch) => batch.map((row) => ({ id: row.id, payload: { who: { name: `c${String(row.customer_id)}` }, lines: [1, 2] } }));

export const notAFunction = 42;
