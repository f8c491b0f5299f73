import { z } from 'zod';
import { defineTaskKind } from '../task-kind.ts';

/** Does nothing: a join point in a DAG, or a placeholder. */
export const noopTask = defineTaskKind({
  name: 'noop',
  description: 'Does nothing; useful as a join point in a DAG.',
  configSchema: z.object({}).strict(),
  run: () => undefined,
});
