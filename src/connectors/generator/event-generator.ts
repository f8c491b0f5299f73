/**
 * A generator bound to one config: the resolved plan and the pools, built once, then any slice
 * of events as columns, nested records or NDJSON text.
 */
import type { z } from 'zod';
import type { RecordBatch } from '../connector.ts';
import { generateEventColumns, type EventColumns } from './event-columns.ts';
import { toNdjson } from './event-ndjson.ts';
import { buildEventPools, type EventPools } from './event-pools.ts';
import { toEventRecords } from './event-records.ts';
import { resolvePlan, type generatorConfigSchema, type GeneratorConfig, type GeneratorPlan } from './generator-config.ts';

/** A config as written (defaults not yet applied) or as validated. */
export type GeneratorConfigInput = GeneratorConfig | z.input<typeof generatorConfigSchema>;

/**
 * Generates the events of one config. Slices are clipped to the config's total.
 *
 * @example
 * const gen = await EventGenerator.create({ seed: 7, count: 1_000_000 });
 * for (let offset = 0; offset < gen.total; offset += 50_000) await file.write(gen.ndjson(offset, 50_000));
 */
export class EventGenerator {
  private constructor(
    readonly plan: GeneratorPlan,
    readonly pools: EventPools,
  ) {}

  /** Validates the config and builds the pools; `nowMs` stands in for `start: 'now'`. */
  static async create(config: GeneratorConfigInput, nowMs: number = Date.now()): Promise<EventGenerator> {
    const plan = resolvePlan(config, nowMs);
    return new EventGenerator(plan, await buildEventPools(plan.seed, plan.users));
  }

  /** Total number of events of the config. */
  get total(): number {
    return this.plan.total;
  }

  /** Events `offset .. offset + n - 1` (fewer at the end) as columns. */
  columns(offset: number, n: number): EventColumns {
    const start = Math.max(0, Math.floor(offset));
    return generateEventColumns(this.plan, this.pools, start, Math.max(0, Math.min(Math.floor(n), this.plan.total - start)));
  }

  /** The same slice as nested plain objects. */
  records(offset: number, n: number): RecordBatch {
    return toEventRecords(this.columns(offset, n));
  }

  /** The same slice as NDJSON (UTF-8 bytes). */
  ndjson(offset: number, n: number): Buffer {
    return toNdjson(this.columns(offset, n));
  }
}

/**
 * Events `offset .. offset + n - 1` of a config as column arrays; for repeated slices keep an
 * EventGenerator instead, which builds the pools once.
 */
export async function generateColumns(config: GeneratorConfigInput, offset: number, n: number): Promise<EventColumns> {
  return (await EventGenerator.create(config)).columns(offset, n);
}
