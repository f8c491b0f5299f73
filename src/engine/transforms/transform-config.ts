/**
 * The `config:` of a `transform` task: its steps, the input the first step reads, and the
 * batch size of function steps.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { zodIssues } from '../../core/zod-issues.ts';
import { transformStepSchema } from './transform-step.ts';

/** Default rows per batch handed to a `function` step. */
export const DEFAULT_FUNCTION_BATCH_SIZE = 10_000;

export const transformConfigSchema = z
  .object({
    steps: z.array(transformStepSchema).min(1, 'a transform needs at least one step'),
    /** The input the first step reads; the task's first input when absent. */
    from: z.string().min(1).optional(),
    /** Rows per batch for function steps that do not set their own. */
    batch_size: z.number().int().positive().default(DEFAULT_FUNCTION_BATCH_SIZE),
  })
  .strict();

/** A validated transform config. */
export type TransformConfig = z.output<typeof transformConfigSchema>;
export type TransformConfigInput = z.input<typeof transformConfigSchema>;

/**
 * Validates a transform config; throws a ValidationError whose issues name each bad field.
 * @param prefix prepended to issue paths, e.g. `tasks[3].config`.
 * @example parseTransformConfig({ steps: [{ limit: 10 }] })
 */
export function parseTransformConfig(value: unknown, prefix = ''): TransformConfig {
  const result = transformConfigSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError('invalid transform config', zodIssues(result.error, prefix));
  return result.data;
}
