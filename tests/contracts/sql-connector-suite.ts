/**
 * What the four SQL connector test files (postgres, mysql, sqlite, duckdb) share: writing and
 * reading through the connector with a fresh context each time, and the round trip of awkward
 * values (quotes, newlines, unicode, NULLs, JSON, arrays, big integers) on append and upsert.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnInfo, Connector, RecordBatch, WriteMode } from '../../src/connectors/connector.ts';
import { createConnectorContext, type MemoryConnectorState } from '../../src/connectors/connector-context.ts';

/** The columns the files' small fixtures use. */
export const COLUMNS: ColumnInfo[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'amount', type: 'DOUBLE' },
];

export interface WriteOptions {
  mode?: WriteMode;
  columns?: ColumnInfo[];
  keys?: string[];
}

export interface ReadOptions {
  params?: Record<string, unknown>;
  state?: MemoryConnectorState;
}

async function* batchesOf(rows: RecordBatch, size = 5_000): AsyncIterable<RecordBatch> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** `write` and `read` through a connector, each on a context of its own. */
export function sqlConnectorHarness<C>(connector: Connector<C>) {
  async function write(config: C, rows: RecordBatch, options: WriteOptions = {}) {
    const ctx = await createConnectorContext({ config });
    try {
      return await connector.write!({ ...ctx, batches: batchesOf(rows), mode: options.mode ?? 'append', keys: options.keys, columns: options.columns ?? COLUMNS });
    } finally {
      await ctx.dispose();
    }
  }

  async function read(config: C, options: ReadOptions = {}) {
    const ctx = await createConnectorContext({ config, params: options.params, state: options.state });
    const batches: RecordBatch[] = [];
    try {
      for await (const batch of connector.read!(ctx)) batches.push(batch);
    } finally {
      await ctx.dispose();
    }
    return { batches, rows: batches.flat() };
  }

  return { write, read };
}

/** Registers the round-trip tests; `config(table)` names a table in the file's database. */
export function describeRoundTrip<C>(title: string, harness: ReturnType<typeof sqlConnectorHarness<C>>, options: { freshTable: (prefix: string) => string; config: (table: string) => C }): void {
  const { write, read } = harness;
  describe(title, () => {
    const columns: ColumnInfo[] = [
      { name: 'id', type: 'BIGINT' },
      { name: 'text', type: 'VARCHAR' },
      { name: 'flag', type: 'BOOLEAN' },
      { name: 'price', type: 'DECIMAL(12,2)' },
      { name: 'day', type: 'DATE' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'at_tz', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'doc', type: 'JSON' },
      { name: 'tags', type: 'VARCHAR[]' },
      { name: 'big', type: 'BIGINT' },
    ];
    const rows = [
      {
        id: 1,
        text: 'say "hi", it\'s\nanother line\r\n\ttab \\ backslash, comma',
        flag: true,
        price: 1234.56,
        day: new Date('2024-02-29T00:00:00Z'),
        at: new Date('2024-01-02T03:04:05.123Z'),
        at_tz: new Date('2024-06-30T23:59:59.999Z'),
        doc: { a: [1, 'x"y'], nested: { ok: true, s: 'line\nbreak' } },
        tags: ['a', 'b,c', 'd"e'],
        big: 9_007_199_254_740_991,
      },
      { id: 2, text: 'zoë — 日本語 🚀', flag: false, price: -0.5, day: null, at: null, at_tz: null, doc: '{"already":"json text"}', tags: [], big: -1 },
      { id: 3, text: null, flag: null, price: null, day: null, at: null, at_tz: null, doc: null, tags: null, big: null },
      { id: 4, text: '', flag: true, price: 0, day: null, at: null, at_tz: null, doc: 'not json', tags: null, big: 0 },
      { id: 5, text: 'NULL', flag: false, price: 1, day: null, at: null, at_tz: null, doc: [], tags: null, big: null },
      { id: 6, text: '\\N', flag: false, price: 1, day: null, at: null, at_tz: null, doc: 42, tags: null, big: null },
    ];
    const expected = rows.map((r) => ({
      ...r,
      doc: r.id === 2 ? { already: 'json text' } : r.doc,
    }));
    const readBack = async (table: string) => (await read(options.config(table))).rows.sort((a, b) => Number(a.id) - Number(b.id));

    it('keeps quotes, newlines, unicode, empty strings, NULLs and JSON on append', async () => {
      const table = options.freshTable('trip');
      await write(options.config(table), rows, { columns });
      expect(await readBack(table)).toEqual(expected);
    });

    it('keeps them on upsert, where the last row of a key wins', async () => {
      const table = options.freshTable('trip_up');
      await write(options.config(table), rows.slice(0, 2).map((r) => ({ ...r, text: 'old' })), { columns, keys: ['id'] });
      const { rowsWritten } = await write(options.config(table), [{ ...rows[2], text: 'first' }, ...rows], { columns, mode: 'upsert', keys: ['id'] });
      expect(rowsWritten).toBe(rows.length + 1);
      expect(await readBack(table)).toEqual(expected);
    });
  });
}
