/**
 * The `generator` connector: realistic nested web/app events (page views, clicks, searches,
 * purchases, ...) from a seed, for demos, tests and benchmarks. `scan` writes NDJSON that
 * DuckDB loads with the fixed GENERATOR_COLUMNS schema (the fast path); `read` yields nested
 * objects. With `rate`, both are paced like a live stream.
 */
import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Connector, ConnectorContext, ScanResult } from '../connector.ts';
import { quoteLiteral } from '../../engine/sql-quote.ts';
import { EventGenerator } from './event-generator.ts';
import { toNdjson } from './event-ndjson.ts';
import { GENERATOR_COLUMNS, GENERATOR_COLUMN_INFO, generatorColumnsSql } from './generator-columns.ts';
import { generatorConfigSchema, resolvePlan, type GeneratorConfig } from './generator-config.ts';
import { pacedSlices, type PacingClock } from './paced-slices.ts';

/** Dependencies of the connector; tests inject a clock to check pacing without waiting. */
export interface GeneratorConnectorOptions {
  clock?: PacingClock;
}

const systemClock: PacingClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }),
};

/**
 * Builds a generator connector; the registry uses `generatorConnector`.
 *
 * @example
 * const connector = createGeneratorConnector({ clock: fakeClock });
 */
export function createGeneratorConnector(options: GeneratorConnectorOptions = {}): Connector<GeneratorConfig> {
  const clock = options.clock ?? systemClock;
  const create = (ctx: ConnectorContext<GeneratorConfig>) => EventGenerator.create(ctx.config, clock.now());

  return {
    type: 'generator',
    description: 'Realistic nested web and app events (page views, clicks, purchases, ...), reproducible from a seed',
    configSchema: generatorConfigSchema,

    async test(ctx) {
      const plan = resolvePlan(ctx.config, clock.now());
      const pace = plan.rate === undefined ? '' : ` at ${plan.rate} events/s`;
      return { ok: true, message: `generates ${plan.total} events${pace} from ${plan.users} users` };
    },

    async discover() {
      return [{ name: 'events', columns: GENERATOR_COLUMN_INFO.map((c) => ({ ...c })) }];
    },

    columnTypes() {
      return { ...GENERATOR_COLUMNS };
    },

    async *read(ctx) {
      const generator = await create(ctx);
      for await (const [offset, n] of pacedSlices(generator.plan, clock, ctx.signal)) yield generator.records(offset, n);
    },

    async scan(ctx): Promise<ScanResult> {
      const generator = await create(ctx);
      // Unique: a task's temp folder may hold several scans.
      const file = path.join(ctx.tempDir, `generator-${randomUUID()}.ndjson`);
      const handle = await open(file, 'w');
      try {
        for await (const [offset, n] of pacedSlices(generator.plan, clock, ctx.signal)) await handle.write(toNdjson(generator.columns(offset, n)));
      } finally {
        await handle.close();
      }
      return {
        sql: `SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = ${generatorColumnsSql()})`,
        cleanup: () => rm(file, { force: true }),
      };
    },
  };
}

/** The built-in generator connector. */
export const generatorConnector: Connector<GeneratorConfig> = createGeneratorConnector();
