/**
 * The generator's config and the plan resolved from it: how many events, over which time
 * window, from which seed, with which mix of event types.
 */
import { z } from 'zod';
import { durationSchema } from '../../core/duration.ts';
import { ValidationError } from '../../core/errors.ts';
import { seedFrom } from './prng.ts';

/** Event types and their relative weights when the config names none. */
export const DEFAULT_EVENT_TYPES: Readonly<Record<string, number>> = {
  page_view: 55,
  click: 22,
  search: 7,
  add_to_cart: 6,
  login: 3,
  purchase: 3,
  signup: 2,
  logout: 2,
};

/** Where timestamps start in count mode when `start` is not given: fixed, so a seed reproduces every field. */
export const DEFAULT_START = '2024-01-01T00:00:00.000Z';

const startSchema = z.string().refine((s) => s === 'now' || !Number.isNaN(Date.parse(s)), { message: "expected an ISO date-time or 'now'" });

/** The `generator` connector's config: `count` events, or `rate` per second for a `duration`. */
export const generatorConfigSchema = z
  .object({
    seed: z.union([z.number().int(), z.string()]).default(1).describe('Same seed, same events'),
    count: z.number().int().nonnegative().optional().describe('Total number of events'),
    rate: z.number().positive().optional().describe('Events per second; pacing makes reads streaming-like'),
    duration: durationSchema.optional().describe('With rate: how long to emit (count = rate x duration)'),
    batch_size: z.number().int().positive().max(1_000_000).default(10_000),
    start: startSchema.optional().describe(`First timestamp (ISO or 'now'); default ${DEFAULT_START}, or 'now' in rate mode`),
    span: durationSchema.default(86_400_000).describe('Window the timestamps spread over in count mode (default 1d)'),
    users: z.number().int().positive().max(10_000_000).default(10_000).describe('Size of the user pool'),
    event_types: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'event type names are snake_case'), z.number().nonnegative())
      .optional()
      .describe('Event types with relative weights'),
  })
  .superRefine((config, ctx) => {
    if (config.count === undefined && (config.rate === undefined || config.duration === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'set count, or rate with duration or count' });
    }
    if (config.event_types && !Object.values(config.event_types).some((w) => w > 0)) {
      ctx.addIssue({ code: 'custom', path: ['event_types'], message: 'at least one event type needs a weight above 0' });
    }
  });

/** The generator's config after validation (durations in milliseconds). */
export type GeneratorConfig = z.output<typeof generatorConfigSchema>;

/** Everything event generation needs, resolved once from the config. */
export interface GeneratorPlan {
  /** 32-bit seed. */
  seed: number;
  total: number;
  startMs: number;
  spanMs: number;
  /** Mean milliseconds between consecutive events. */
  stepMs: number;
  /** Events per second when paced, else undefined. */
  rate: number | undefined;
  batchSize: number;
  users: number;
  eventTypes: string[];
  /** Cumulative normalised weights of `eventTypes`, the last being 1. */
  cumulativeWeights: Float64Array;
}

/** Resolves a config into a plan; `nowMs` stands in for `start: 'now'` and rate mode's default. */
export function resolvePlan(input: GeneratorConfig | z.input<typeof generatorConfigSchema>, nowMs: number = Date.now()): GeneratorPlan {
  const parsed = generatorConfigSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('invalid generator config', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const config = parsed.data;
  const rate = config.rate;
  const total = config.count ?? Math.round((rate as number) * ((config.duration as number) / 1000));
  const startText = config.start ?? (rate !== undefined ? 'now' : DEFAULT_START);
  const startMs = startText === 'now' ? Math.floor(nowMs) : Date.parse(startText);
  const spanMs = rate !== undefined ? Math.max(1, Math.round((total / rate) * 1000)) : Math.max(1, config.span);
  const weights = Object.entries(config.event_types ?? DEFAULT_EVENT_TYPES).filter(([, w]) => w > 0);
  const sum = weights.reduce((acc, [, w]) => acc + w, 0);
  const cumulativeWeights = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach(([, w], i) => {
    acc += w / sum;
    cumulativeWeights[i] = acc;
  });
  cumulativeWeights[weights.length - 1] = 1;
  return {
    seed: seedFrom(config.seed),
    total,
    startMs,
    spanMs,
    stepMs: total > 0 ? spanMs / total : spanMs,
    rate,
    batchSize: config.batch_size,
    users: config.users,
    eventTypes: weights.map(([name]) => name),
    cumulativeWeights,
  };
}
