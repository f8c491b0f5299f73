/**
 * The pipeline spec: one zod schema for YAML and TypeScript pipelines alike.
 *
 * Glossary
 * - pipeline: a named DAG of tasks with typed params, defaults and schedules.
 * - task: one step of the DAG, of a `kind` (shell, script, noop, sleep, ...) with its `config`.
 * - dataset: a named relation; a task's `inputs` and `outputs` name them and give DAG edges.
 * - version: the content hash of a spec; a run records the version it ran.
 */
import { Cron } from 'croner';
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

/** What a schedule does about slots missed while no scheduler ran (see docs/user-guide.md). */
export const MISFIRE_POLICIES = ['skip', 'catch_up'] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

export const scheduleSpecSchema = z
  .object({
    /** Five fields, or six with seconds first; `@daily`-style nicknames too. */
    cron: z.string().min(1),
    /** An IANA time zone (`Europe/Paris`); UTC when absent. */
    timezone: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
    // Optional without defaults: a default would change the version hash of every scheduled spec.
    /** `skip` (default): after downtime fire once, for the latest missed slot; `catch_up`: every missed slot. */
    misfire: z.enum(MISFIRE_POLICIES).optional(),
    /** With `catch_up`, at most this many missed slots are fired (the latest ones; default 10). */
    max_catch_up: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((schedule, ctx) => {
    if (schedule.timezone !== undefined && !isTimeZone(schedule.timezone)) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone '${schedule.timezone}' (expected an IANA name such as Europe/Paris)` });
      return;
    }
    try {
      new Cron(schedule.cron, { mode: '5-or-6-parts', paused: true, ...(schedule.timezone ? { timezone: schedule.timezone } : {}) });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron expression: ${(error as Error).message}` });
    }
  });
export type ScheduleSpec = z.output<typeof scheduleSpecSchema>;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const PARTITION_TYPES = ['daily', 'hourly', 'static'] as const;
export type PartitionType = (typeof PARTITION_TYPES)[number];

/** Partitions of a pipeline: each run of a backfill processes one, named by a key given as a param. */
export const partitionsSpecSchema = z
  .object({
    /** daily keys are `2026-01-31`, hourly keys `2026-01-31T05` (UTC); static keys are `values`. */
    type: z.enum(PARTITION_TYPES),
    /** The first partition of daily or hourly ones (a date); backfills may not start before it. */
    start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-01-01').optional(),
    values: z.array(z.string().min(1)).min(1).optional(),
    /** The param that carries the partition key; declared as a string param when the spec does not. */
    param: identifierSchema.default('partition'),
  })
  .strict()
  .superRefine((partitions, ctx) => {
    if (partitions.type === 'static' && !partitions.values) ctx.addIssue({ code: 'custom', path: ['values'], message: 'static partitions need `values`' });
    if (partitions.type !== 'static' && partitions.values) ctx.addIssue({ code: 'custom', path: ['values'], message: `${partitions.type} partitions take no \`values\`` });
  });
export type PartitionsSpec = z.output<typeof partitionsSpecSchema>;

/** Runs the pipeline whenever another pipeline publishes a version of the dataset. */
export const triggerSpecSchema = z.object({ dataset: z.string().min(1) }).strict();
export type TriggerSpec = z.output<typeof triggerSpecSchema>;

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
    // Optional, not defaulted, so that specs without them keep their version hash.
    partitions: partitionsSpecSchema.optional(),
    triggers: z.array(triggerSpecSchema).optional(),
    tasks: z.array(taskSpecSchema).min(1, 'a pipeline needs at least one task'),
  })
  .strict()
  .transform((spec, ctx) => withPartitionParam(spec, ctx));

/** A validated pipeline spec, the one shape every part of the platform works with. */
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
/** What a user writes: defaults may be left out. */
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;

/**
 * A partitioned pipeline's runs receive their partition key as a param, so that param must be
 * declared: it is added as an optional string unless the spec declares it (as a string or date).
 */
function withPartitionParam<T extends { partitions?: PartitionsSpec | undefined; params: Record<string, ParamSpec> }>(spec: T, ctx: z.RefinementCtx): T {
  if (!spec.partitions) return spec;
  const name = spec.partitions.param;
  const declared = spec.params[name];
  if (declared) {
    if (declared.type !== 'string' && declared.type !== 'date') {
      ctx.addIssue({ code: 'custom', path: ['params', name], message: `the partition param must be a string or a date, not ${declared.type}` });
    }
    return spec;
  }
  const param: ParamSpec = { type: 'string', required: false, description: 'The partition key of the run (set by backfills and schedules)' };
  return { ...spec, params: { ...spec.params, [name]: param } };
}
