import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/connectors/connector.ts';
import { createConnectorContext } from '../../src/connectors/connector-context.ts';
import type { EventColumns } from '../../src/connectors/generator/event-columns.ts';
import { EventGenerator, generateColumns } from '../../src/connectors/generator/event-generator.ts';
import { eventIdOf } from '../../src/connectors/generator/event-fields.ts';
import { toNdjson } from '../../src/connectors/generator/event-ndjson.ts';
import { GENERATOR_COLUMNS, generatorColumnsSql } from '../../src/connectors/generator/generator-columns.ts';
import { createGeneratorConnector, generatorConnector } from '../../src/connectors/generator/generator-connector.ts';
import { generatorConfigSchema } from '../../src/connectors/generator/generator-config.ts';
import type { PacingClock } from '../../src/connectors/generator/paced-slices.ts';
import { quoteLiteral } from '../../src/engine/sql-quote.ts';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { runConnectorContract } from '../contracts/connector-contract.ts';

type Event = {
  event_id: string;
  event_type: string;
  timestamp: string;
  user: { id: string; agent: { browser: string; os: string; device: string }; country: string; city: string; geo: { lat: number; lon: number } };
  session: { id: string; duration_s: number; pages: number };
  engagement: { clicks: number; scroll_depth: number };
  properties: Record<string, string>;
  amount: number | null;
};

async function readBatches(config: Record<string, unknown>, connector = generatorConnector): Promise<RecordBatch[]> {
  const ctx = await createConnectorContext({ config: generatorConfigSchema.parse(config) });
  try {
    const batches: RecordBatch[] = [];
    for await (const batch of connector.read?.(ctx) ?? []) batches.push(batch);
    return batches;
  } finally {
    await ctx.dispose();
  }
}

const readEvents = async (config: Record<string, unknown>) => (await readBatches(config)).flat() as unknown as Event[];

/** An order-sensitive hash of the columns that carry the randomness. */
function checksum(cols: EventColumns, h: number): number {
  for (let k = 0; k < cols.length; k++) {
    for (let w = 0; w < 4; w++) h = Math.imul(h ^ (cols.event_id[k * 4 + w] as number), 16777619);
    h = Math.imul(h ^ (cols.timestamp[k] as number) % 1_000_000_007, 16777619);
    h = Math.imul(h ^ (cols.user[k] as number), 16777619);
    const amount = cols.amount[k] as number;
    h = Math.imul(h ^ (Number.isNaN(amount) ? 7 : Math.round(amount * 100)), 16777619);
  }
  return h >>> 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

runConnectorContract({ name: 'generator', connector: generatorConnector, config: () => generatorConfigSchema.parse({ count: 10 }) });

describe('generator connector', () => {
  it('gives the same events for the same seed and different events for another seed', async () => {
    const a = await readEvents({ seed: 7, count: 500, batch_size: 128 });
    const b = await readEvents({ seed: 7, count: 500, batch_size: 128 });
    const c = await readEvents({ seed: 8, count: 500, batch_size: 128 });
    expect(a).toEqual(b);
    expect(c.map((e) => e.event_id)).not.toEqual(a.map((e) => e.event_id));
    expect(c.map((e) => e.user.id)).not.toEqual(a.map((e) => e.user.id));
    expect(new Set(a.map((e) => e.event_id)).size).toBe(500);
  });

  it('yields exactly count events in batch_size batches, each event the same whatever the batching', async () => {
    const batches = await readBatches({ seed: 3, count: 1005, batch_size: 100 });
    expect(batches.map((b) => b.length)).toEqual([...Array(10).fill(100), 5]);
    const oneBatch = await readEvents({ seed: 3, count: 1005, batch_size: 5000 });
    expect(batches.flat()).toEqual(oneBatch);
    const slice = await generateColumns({ seed: 3, count: 1005 }, 995, 50);
    expect(slice.length).toBe(10);
    expect(Array.from({ length: 10 }, (_, k) => eventIdOf(slice, k))).toEqual(oneBatch.slice(995).map((e) => e.event_id));
  });

  it('makes well-formed nested events with values in range', async () => {
    const start = Date.parse('2025-03-01T00:00:00Z');
    const events = await readEvents({ seed: 11, count: 20_000, start: '2025-03-01T00:00:00Z', span: '2h', users: 500 });
    const types = new Set<string>();
    const users = new Set<string>();
    let previous = start;
    let maxBackwards = 0;
    // Checks collected rather than asserted one by one: 20k events x 25 expects is slow.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, e: Event) => {
      if (!ok && problems.length < 10) problems.push(`${what}: ${JSON.stringify(e)}`);
    };
    for (const e of events) {
      types.add(e.event_type);
      users.add(e.user.id);
      const ts = Date.parse(e.timestamp);
      check(UUID.test(e.event_id), 'event_id', e);
      check(new Date(ts).toISOString() === e.timestamp, 'ISO timestamp', e);
      check(ts >= start && ts < start + 2 * 3_600_000, 'timestamp in window', e);
      maxBackwards = Math.max(maxBackwards, previous - ts);
      previous = Math.max(previous, ts);
      check(e.user.geo.lat >= -90 && e.user.geo.lat <= 90 && e.user.geo.lon >= -180 && e.user.geo.lon <= 180, 'coordinates', e);
      check(/^[A-Z]{2}$/.test(e.user.country) && e.user.city.length > 0, 'country and city', e);
      check(['desktop', 'mobile', 'tablet'].includes(e.user.agent.device) && e.user.agent.browser.length > 0, 'agent', e);
      check(/^s_[0-9a-f]{16}$/.test(e.session.id) && e.session.duration_s >= 10 && e.session.pages >= 1, 'session', e);
      check(e.engagement.scroll_depth >= 0 && e.engagement.scroll_depth <= 1, 'scroll_depth in [0, 1]', e);
      check(Number.isInteger(e.engagement.clicks) && e.engagement.clicks >= 0, 'clicks', e);
      check(Object.values(e.properties).every((v) => typeof v === 'string'), 'string properties', e);
      if (e.event_type === 'purchase') {
        check(typeof e.amount === 'number' && e.amount > 0, 'purchase amount > 0', e);
        check(/^[A-Z]{3}$/.test(e.properties.currency ?? '') && /^sku_/.test(e.properties.product_id ?? ''), 'purchase properties', e);
      } else {
        check(e.amount === null, 'no amount', e);
      }
    }
    expect(problems).toEqual([]);
    // Out of order only locally: 20k events over 2 h are 360 ms apart, jitter is 1.5 steps.
    expect(maxBackwards).toBeLessThan(3 * 360);
    expect([...types].sort()).toEqual(['add_to_cart', 'click', 'login', 'logout', 'page_view', 'purchase', 'search', 'signup']);
    expect(users.size).toBeGreaterThan(300);
    expect(users.size).toBeLessThanOrEqual(500);
    const pageViews = events.filter((e) => e.event_type === 'page_view').length / events.length;
    expect(pageViews).toBeGreaterThan(0.5);
    expect(pageViews).toBeLessThan(0.6);
  });

  it('keeps a session id for a user within one half hour', async () => {
    const events = await readEvents({ seed: 5, count: 5000, span: '1h', users: 20 });
    const byKey = new Map<string, Set<string>>();
    for (const e of events) {
      const key = `${e.user.id}@${Math.floor(Date.parse(e.timestamp) / 1_800_000)}`;
      byKey.set(key, (byKey.get(key) ?? new Set()).add(e.session.id));
    }
    for (const ids of byKey.values()) expect(ids.size).toBe(1);
  });

  it('draws event types by the configured weights', async () => {
    const events = await readEvents({ seed: 1, count: 3000, event_types: { purchase: 1, app_open: 3, refund: 0 } });
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.event_type, (counts.get(e.event_type) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['app_open', 'purchase']);
    expect((counts.get('app_open') as number) / 3000).toBeCloseTo(0.75, 1);
    for (const e of events) expect(e.amount === null).toBe(e.event_type !== 'purchase');
  });

  it('paces rate mode by the clock and stamps events at the rate', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const t0 = now;
    const sleeps: number[] = [];
    const clock: PacingClock = {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    };
    const connector = createGeneratorConnector({ clock });
    const ctx = await createConnectorContext({ config: generatorConfigSchema.parse({ rate: 100, count: 50 }) });
    const yieldedAt: number[] = [];
    const events: Event[] = [];
    for await (const batch of connector.read?.(ctx) ?? []) {
      yieldedAt.push(now - t0);
      events.push(...(batch as unknown as Event[]));
    }
    await ctx.dispose();
    expect(yieldedAt).toEqual([100, 200, 300, 400, 500]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(500);
    expect(events).toHaveLength(50);
    // Stamped from the read's start, one event per 10 ms.
    events.forEach((e, i) => expect(Math.abs(Date.parse(e.timestamp) - (t0 + i * 10 + 5))).toBeLessThanOrEqual(16));

    const timed = await readBatches({ rate: 20, duration: '2s', batch_size: 1000 }, createGeneratorConnector({ clock }));
    expect(timed.flat()).toHaveLength(40);
  });

  it('generates a million events with a stable checksum whatever the slicing', async () => {
    const generator = await EventGenerator.create({ seed: 2024, count: 1_000_000 });
    let count = 0;
    let sliced = 0x811c9dc5;
    for (let offset = 0; offset < generator.total; offset += 65_536) {
      const cols = generator.columns(offset, 65_536);
      count += cols.length;
      sliced = checksum(cols, sliced);
    }
    const whole = generator.columns(0, 2_000_000);
    expect(count).toBe(1_000_000);
    expect(whole.length).toBe(1_000_000);
    expect(checksum(whole, 0x811c9dc5)).toBe(sliced);
  });

  it('writes NDJSON that DuckDB reads with GENERATOR_COLUMNS, event for event', async () => {
    const config = generatorConfigSchema.parse({ seed: 9, count: 25_003, batch_size: 10_000 });
    const generator = await EventGenerator.create(config);
    const ctx = await createConnectorContext({ config });
    const file = path.join(ctx.tempDir, 'events.ndjson');
    const parts: Buffer[] = [];
    for (let offset = 0; offset < generator.total; offset += 10_000) parts.push(toNdjson(generator.columns(offset, 10_000)));
    await writeFile(file, Buffer.concat(parts));
    const records = generator.records(0, generator.total) as unknown as Event[];

    const duck = await DuckDb.create();
    const session = await duck.session();
    try {
      const source = `read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = ${generatorColumnsSql()})`;
      const described = await session.describe(`SELECT * FROM ${source}`);
      expect(Object.fromEntries(described.map((c) => [c.name, c.type]))).toEqual(GENERATOR_COLUMNS);
      const [stats] = await session.all(
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(amount) AS purchases, min(engagement.scroll_depth) AS lo, max(engagement.scroll_depth) AS hi FROM ${source}`,
      );
      expect(stats).toEqual({ n: 25_003, ids: 25_003, purchases: records.filter((e) => e.event_type === 'purchase').length, lo: 0, hi: 1 });

      const rows = await session.all(
        `SELECT event_id::VARCHAR AS event_id, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp, user, session, engagement, map_entries(properties) AS properties, amount FROM ${source} LIMIT 2000`,
      );
      rows.forEach((row, i) => {
        const e = records[i] as Event;
        expect(row).toEqual({
          event_id: e.event_id,
          timestamp: e.timestamp,
          user: e.user,
          session: e.session,
          engagement: e.engagement,
          properties: Object.entries(e.properties).map(([key, value]) => ({ key, value })),
          amount: e.amount,
        });
      });
    } finally {
      session.close();
      duck.close();
      await ctx.dispose();
    }
  });

  it('scans into DuckDB through the connector, and tests and discovers', async () => {
    const ctx = await createConnectorContext({ config: generatorConfigSchema.parse({ seed: 4, count: 12_345, batch_size: 5000 }) });
    const duck = await DuckDb.create();
    const session = await duck.session();
    try {
      const scan = await generatorConnector.scan?.({ ...ctx, duck: session });
      expect(await session.all(`SELECT count(*) AS n, count(DISTINCT "user".id) > 1000 AS many_users FROM (${scan?.sql})`)).toEqual([{ n: 12_345, many_users: true }]);
      await expect(generatorConnector.test(ctx)).resolves.toMatchObject({ ok: true, message: expect.stringContaining('12345 events') });
      await scan?.cleanup?.();
      expect(generatorConnector.columnTypes?.(ctx)).toEqual(GENERATOR_COLUMNS);
      const [relation] = (await generatorConnector.discover?.(ctx)) ?? [];
      expect(relation?.columns.map((c) => c.name)).toEqual(Object.keys(GENERATOR_COLUMNS));
    } finally {
      session.close();
      duck.close();
      await ctx.dispose();
    }
  });

  it('scans into Parquet parts that hold the events in order, and removes them on cleanup', async () => {
    const config = generatorConfigSchema.parse({ seed: 5, count: 12_345, batch_size: 5000 });
    const ctx = await createConnectorContext({ config });
    const duck = await DuckDb.create();
    const session = await duck.session();
    try {
      const scan = await createGeneratorConnector({ partEvents: 5000 }).scan?.({ ...ctx, duck: session });
      expect(scan?.rows).toBe(12_345);
      expect(scan?.parquetFiles).toHaveLength(3);
      const ids = (await session.all(`SELECT event_id::VARCHAR AS id FROM (${scan?.sql})`)).map((r) => r.id);
      const generator = await EventGenerator.create(config);
      expect(ids).toEqual(generator.records(0, 12_345).map((r) => r.event_id));
      await scan?.cleanup?.();
      for (const file of scan?.parquetFiles ?? []) await expect(readFile(file)).rejects.toThrow();

      const none = await createGeneratorConnector().scan?.({ ...ctx, config: generatorConfigSchema.parse({ seed: 5, count: 0 }), duck: session });
      expect(await session.all(`SELECT count(*)::INTEGER AS n FROM (${none?.sql})`)).toEqual([{ n: 0 }]);
      expect((await session.all(`DESCRIBE ${none?.sql}`)).map((c) => c.column_type)).toEqual(Object.values(GENERATOR_COLUMNS));
    } finally {
      session.close();
      duck.close();
      await ctx.dispose();
    }
  });

  it('refuses a config without count, or rate with duration', () => {
    expect(generatorConfigSchema.safeParse({ seed: 1 }).success).toBe(false);
    expect(generatorConfigSchema.safeParse({ rate: 10 }).success).toBe(false);
    expect(generatorConfigSchema.safeParse({ rate: 10, duration: '5s' }).success).toBe(true);
    expect(generatorConfigSchema.safeParse({ count: 10, event_types: { 'Bad-Name': 1 } }).success).toBe(false);
  });
});
