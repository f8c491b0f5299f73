/**
 * The pipeline spec: one zod schema for YAML and TypeScript pipelines alike.
 *
 * Glossary
 * - pipeline: a named DAG of tasks with typed params, defaults and schedules.
 * - task: one step of the DAG, of a `kind` (shell, script, noop, sleep, ...) with its `config`.
 * - dataset: a named relation; a task's `inputs` and `outputs` name them and give DAG edges.
 * - version: the content hash of a spec; a run records the version it ran.
 */
import { z } from 'zod';
import { durationSchema } from '../duration.ts';
import { TRIGGER_RULES } from '../statuses.ts';
import type { TaskContext } from '../../runtime/task-context.ts';

/** An identifier for pipelines, tasks and params: letters, digits, `_`, `-`, `.`. */
export const identifierSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'expected an id of letters, digits, _ - or . (starting with a letter or _)');

export const PARAM_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'json'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export const paramSpecSchema = z
  .object({
    type: z.enum(PARAM_TYPES).default('string'),
    default: z.unknown().optional(),
    required: z.boolean().default(false),
    description: z.string().optional(),
    enum: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();
export type ParamSpec = z.output<typeof paramSpecSchema>;

export const backoffSchema = z
  .object({
    type: z.literal('exponential').default('exponential'),
    base: durationSchema.default(1000),
    factor: z.number().min(1).default(2),
    cap: durationSchema.default(300_000),
  })
  .strict();

/** `retries: 2` is short for `retries: { max: 2 }`. */
export const retryPolicySchema = z.preprocess(
  (value) => (typeof value === 'number' ? { max: value } : value),
  z
    .object({
      max: z.number().int().min(0).max(100).default(0),
      backoff: backoffSchema.default({ type: 'exponential', base: 1000, factor: 2, cap: 300_000 }),
      jitter: z.enum(['full', 'none']).default('full'),
    })
    .strict(),
);
export type RetryPolicy = z.output<typeof retryPolicySchema>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  max: 0,
  backoff: { type: 'exponential', base: 1000, factor: 2, cap: 300_000 },
  jitter: 'full',
};

/** A task function of a TypeScript pipeline (kind `script`). */
export type TaskFunction = (ctx: TaskContext) => unknown;

const taskFunctionSchema = z.custom<TaskFunction>((value) => typeof value === 'function', {
  message: 'expected a function',
});

export const taskSpecSchema = z
  .object({
    id: identifierSchema,
    kind: z.string().min(1),
    name: z.string().optional(),
    description: z.string().optional(),
    depends_on: z.array(identifierSchema).default([]),
    inputs: z.array(z.string().min(1)).default([]),
    outputs: z.array(z.string().min(1)).default([]),
    retries: retryPolicySchema.optional(),
    timeout: durationSchema.optional(),
    trigger_rule: z.enum(TRIGGER_RULES).default('all_success'),
    pool: identifierSchema.optional(),
    priority: z.number().int().default(0),
    config: z.record(z.string(), z.unknown()).default({}),
    /** TypeScript pipelines only: the code of a `script` task. */
    run: taskFunctionSchema.optional(),
  })
  .strict();
export type TaskSpec = z.output<typeof taskSpecSchema>;
export type TaskSpecInput = z.input<typeof taskSpecSchema>;

export const scheduleSpecSchema = z
  .object({
    cron: z.string().min(1),
    timezone: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
  })
  .strict();

export const pipelineSpecSchema = z
  .object({
    id: identifierSchema,
    name: z.string().optional(),
    description: z.string().default(''),
    tags: z.array(z.string()).default([]),
    metadata: z.record(z.string(), z.unknown()).default({}),
    params: z.record(identifierSchema, paramSpecSchema).default({}),
    defaults: z
      .object({
        retries: retryPolicySchema.optional(),
        timeout: durationSchema.optional(),
        pool: identifierSchema.optional(),
      })
      .strict()
      .default({}),
    max_parallel: z.number().int().positive().optional(),
    pools: z.record(identifierSchema, z.number().int().positive()).default({}),
    schedules: z.array(scheduleSpecSchema).default([]),
    tasks: z.array(taskSpecSchema).min(1, 'a pipeline needs at least one task'),
  })
  .strict();

/** A validated pipeline spec, the one shape every part of the platform works with. */
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
/** What a user writes: defaults may be left out. */
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;
