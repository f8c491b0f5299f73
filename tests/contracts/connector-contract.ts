/**
 * The contract every connector passes: reachable, readable, and (when it writes) append,
 * overwrite and upsert by keys behave as documented. A third-party connector author runs it
 * with their own `config()` pointing at a fresh target.
 *
 * @example
 * runConnectorContract({ name: 'postgres', connector: postgresConnector, config: async () => ({ url, table: uniqueTable() }) });
 */
import { describe, expect, it } from 'vitest';
import type { ColumnInfo, Connector, RecordBatch } from '../../src/connectors/connector.ts';
import { createConnectorContext } from '../../src/connectors/connector-context.ts';
import { DuckDb } from '../../src/engine/duckdb.ts';

export interface ConnectorContractOptions<C> {
  name: string;
  connector: Connector<C>;
  /** A config for a fresh, empty target (its own table, file or prefix) each time it is called. */
  config(): Promise<C> | C;
  skip?: boolean;
  /** Whether the connector can upsert by keys (default: when it can write). */
  upsert?: boolean;
}

const COLUMNS: ColumnInfo[] = [
  { name: 'id', type: 'BIGINT' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'amount', type: 'DOUBLE' },
];

async function* batchesOf(rows: RecordBatch): AsyncIterable<RecordBatch> {
  yield rows;
}

/** Reads every row through `read`, or `scan` with a DuckDB session, sorted by id. */
export async function readAll<C>(connector: Connector<C>, config: C): Promise<RecordBatch> {
  const ctx = await createConnectorContext({ config });
  try {
    const rows: RecordBatch = [];
    if (connector.scan) {
      const duck = await DuckDb.create();
      const session = await duck.session();
      try {
        const scan = await connector.scan({ ...ctx, duck: session });
        rows.push(...(await session.all(scan.sql)));
        await scan.cleanup?.();
      } finally {
        session.close();
        duck.close();
      }
    } else if (connector.read) {
      for await (const batch of connector.read(ctx)) rows.push(...batch);
    }
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  } finally {
    await ctx.dispose();
  }
}

async function write<C>(connector: Connector<C>, config: C, rows: RecordBatch, mode: 'append' | 'overwrite' | 'upsert'): Promise<number> {
  const ctx = await createConnectorContext({ config });
  try {
    if (connector.write) {
      return (await connector.write({ ...ctx, batches: batchesOf(rows), mode, keys: ['id'], columns: COLUMNS })).rowsWritten;
    }
    if (!connector.copy) throw new Error('connector cannot write');
    const duck = await DuckDb.create();
    const session = await duck.session();
    try {
      const values = rows.map((r) => `(${Number(r.id)}, '${String(r.name).replaceAll("'", "''")}', ${Number(r.amount)})`).join(', ');
      const sql = `SELECT * FROM (VALUES ${values}) AS t(id, name, amount)`;
      return (await connector.copy({ ...ctx, duck: session, sql, mode, keys: ['id'], columns: COLUMNS })).rowsWritten;
    } finally {
      session.close();
      duck.close();
    }
  } finally {
    await ctx.dispose();
  }
}

const project = (rows: RecordBatch) => rows.map((r) => ({ id: Number(r.id), name: r.name, amount: Number(r.amount) }));

/** `it` when the case applies to this connector; otherwise nothing is registered (not a skip). */
const itIf = (applies: boolean): typeof it => (applies ? it : ((() => undefined) as unknown as typeof it));

export function runConnectorContract<C>(options: ConnectorContractOptions<C>): void {
  const { connector } = options;
  const writes = Boolean(connector.write ?? connector.copy);
  describe.skipIf(options.skip)(`connector contract: ${options.name}`, () => {
    it('has a type, a description and a config schema', () => {
      expect(connector.type).toMatch(/^[a-z][a-z0-9_-]*$/);
      expect(connector.description.length).toBeGreaterThan(10);
      expect(typeof connector.configSchema.safeParse).toBe('function');
      expect(Boolean(connector.read ?? connector.scan ?? connector.write ?? connector.copy)).toBe(true);
    });

    itIf(writes)('appends rows and reads them back', async () => {
      const config = await options.config();
      const rows = [
        { id: 1, name: 'ada', amount: 10.5 },
        { id: 2, name: "o'brien", amount: 20 },
        { id: 3, name: 'zoë', amount: -1.25 },
      ];
      expect(await write(connector, config, rows, 'append')).toBe(3);
      expect(await write(connector, config, [{ id: 4, name: 'grace', amount: 0 }], 'append')).toBe(1);
      expect(project(await readAll(connector, config))).toEqual([...rows, { id: 4, name: 'grace', amount: 0 }]);
      const ctx = await createConnectorContext({ config });
      await expect(connector.test(ctx)).resolves.toMatchObject({ ok: true });
      await ctx.dispose();
    });

    itIf(writes)('overwrites rows', async () => {
      const config = await options.config();
      await write(connector, config, [{ id: 1, name: 'old', amount: 1 }, { id: 2, name: 'old', amount: 2 }], 'append');
      await write(connector, config, [{ id: 9, name: 'new', amount: 9 }], 'overwrite');
      expect(project(await readAll(connector, config))).toEqual([{ id: 9, name: 'new', amount: 9 }]);
    });

    // A connector without a capability must refuse it plainly, never half-do it.
    if (!writes) {
      it('cannot write: it has neither write nor copy', () => {
        expect(connector.write).toBeUndefined();
        expect(connector.copy).toBeUndefined();
      });
    } else if (options.upsert === false) {
      it('refuses upsert with an error that says so', async () => {
        const config = await options.config();
        await expect(write(connector, config, [{ id: 1, name: 'a', amount: 1 }], 'upsert')).rejects.toThrow(/upsert/);
      });
    }

    itIf(writes && options.upsert !== false)('upserts rows by keys', async () => {
      const config = await options.config();
      await write(connector, config, [{ id: 1, name: 'a', amount: 1 }, { id: 2, name: 'b', amount: 2 }], 'append');
      await write(connector, config, [{ id: 2, name: 'B', amount: 22 }, { id: 3, name: 'c', amount: 3 }], 'upsert');
      expect(project(await readAll(connector, config))).toEqual([
        { id: 1, name: 'a', amount: 1 },
        { id: 2, name: 'B', amount: 22 },
        { id: 3, name: 'c', amount: 3 },
      ]);
    });
  });
}
