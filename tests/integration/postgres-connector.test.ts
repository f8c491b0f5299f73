/**
 * The `postgres` connector against a real PostgreSQL, in a database of this file's own.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnInfo, RecordBatch } from '../../src/connectors/connector.ts';
import { createConnectorContext, MemoryConnectorState } from '../../src/connectors/connector-context.ts';
import { postgresConnector, type PostgresConfig } from '../../src/connectors/sql/postgres-connector.ts';
import { runConnectorContract } from '../contracts/connector-contract.ts';
import { describeRoundTrip, sqlConnectorHarness } from '../contracts/sql-connector-suite.ts';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());
const db: TestPostgresDatabase | undefined = skip ? undefined : await createTestPostgresDatabase('dd_test_pg_conn');
afterAll(async () => db?.drop());

let tableCount = 0;
const freshTable = (prefix = 't') => `${prefix}_${++tableCount}`;
const url = () => (db as TestPostgresDatabase).url;

const { write, read } = sqlConnectorHarness(postgresConnector);

async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url() });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

runConnectorContract({ name: 'postgres', connector: postgresConnector, skip, config: () => ({ url: url(), table: freshTable('contract') }) });

describe.skipIf(skip)('postgres connector', () => {
  const seedRows = [
    { id: 1, name: 'ada', amount: 10 },
    { id: 2, name: "o'brien", amount: 20 },
    { id: 3, name: 'grace', amount: 30 },
    { id: 4, name: 'linus', amount: 40 },
  ];

  it('reads a parameterised query with run params bound, never spliced', async () => {
    const table = freshTable();
    await write({ url: url(), table }, seedRows);
    const config: PostgresConfig = {
      url: url(),
      query: `select id, name from ${table} where amount >= $1 and name <> $2 order by id`,
      query_params: ['${params.min}', '${params.skip}'],
      batch_size: 2,
    };
    const { batches, rows } = await read(config, { params: { min: 20, skip: 'grace' } });
    expect(rows).toEqual([{ id: 2, name: "o'brien" }, { id: 4, name: 'linus' }]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);

    const hostile = await read(config, { params: { min: 0, skip: `x'; drop table ${table}; --` } });
    expect(hostile.rows).toHaveLength(4);
    expect(await sql(`select count(*)::int as n from ${table}`)).toEqual([{ n: 4 }]);
  });

  it('refuses ${params.x} templates inside the query text', async () => {
    await expect(read({ url: url(), query: "select * from t where name = '${params.name}'" }, { params: { name: 'x' } })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('refuses a query that carries a second statement', async () => {
    const table = freshTable();
    await write({ url: url(), table }, seedRows.slice(0, 1));
    await expect(read({ url: url(), query: `select * from ${table}; drop table ${table}` })).rejects.toThrow(/multiple commands/);
    expect(await sql(`select count(*)::int as n from ${table}`)).toEqual([{ n: 1 }]);
  });

  it('reads incrementally: a second call with the carried state reads only new rows', async () => {
    const table = freshTable();
    const config: PostgresConfig = { url: url(), table, incremental: { cursor: 'id' }, batch_size: 2 };
    await write({ url: url(), table }, seedRows.slice(0, 3));
    const state = new MemoryConnectorState();

    const first = await read(config, { state });
    expect(first.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(await state.get()).toMatchObject({ column: 'id', value: 3 });

    await write({ url: url(), table }, [...seedRows.slice(3), { id: 5, name: 'barbara', amount: 50 }]);
    const second = await read(config, { state });
    expect(second.rows.map((r) => r.id)).toEqual([4, 5]);
    expect(await state.get()).toMatchObject({ value: 5 });

    const third = await read(config, { state });
    expect(third.rows).toEqual([]);
    expect(await state.get()).toMatchObject({ value: 5 });
  });

  it('starts an incremental read from `initial` and works over a query with a timestamp cursor', async () => {
    const table = freshTable();
    const columns: ColumnInfo[] = [{ name: 'id', type: 'BIGINT' }, { name: 'updated_at', type: 'TIMESTAMP' }];
    const at = (s: string) => new Date(`2026-01-0${s}T10:00:00.000Z`);
    await write({ url: url(), table }, [{ id: 1, updated_at: at('1') }, { id: 2, updated_at: at('2') }, { id: 3, updated_at: at('3') }], { columns });
    const state = new MemoryConnectorState();
    const config: PostgresConfig = { url: url(), query: `select * from ${table}`, incremental: { cursor: 'updated_at', initial: '2026-01-01 12:00:00' } };
    expect((await read(config, { state })).rows.map((r) => r.id)).toEqual([2, 3]);
    await write({ url: url(), table }, [{ id: 4, updated_at: at('4') }], { columns });
    expect((await read(config, { state })).rows).toEqual([{ id: 4, updated_at: at('4') }]);
  });

  it('appends 20,000 rows through COPY and reads them back exactly', async () => {
    const table = freshTable('bulk');
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i + 1, name: `name ${i} "q", line\n${i % 7}`, amount: (i * 37) % 1000 / 4 }));
    const started = performance.now();
    const { rowsWritten } = await write({ url: url(), table }, rows);
    const seconds = (performance.now() - started) / 1000;
    console.log(`postgres COPY append: 20000 rows in ${(seconds * 1000).toFixed(0)} ms (${Math.round(20_000 / seconds)} rows/s)`);
    expect(rowsWritten).toBe(20_000);

    const checksum = (list: RecordBatch) =>
      createHash('sha256')
        .update([...list].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => `${r.id}|${r.name}|${r.amount}`).join('\n'))
        .digest('hex');
    const back = await read({ url: url(), table, batch_size: 5_000 });
    expect(back.rows).toHaveLength(20_000);
    expect(back.batches.every((b) => b.length <= 5_000)).toBe(true);
    expect(checksum(back.rows)).toBe(checksum(rows));
    expect(await sql(`select count(*)::int as n, sum(id)::bigint as s from ${table}`)).toEqual([{ n: 20_000, s: String((20_000 * 20_001) / 2) }]);
  });

  it('refuses to upsert into a table without a unique key on the keys, and leaves it as it was', async () => {
    const table = freshTable();
    await sql(`create table ${table} (id bigint, name text, amount double precision)`);
    await write({ url: url(), table }, seedRows.slice(0, 2));
    await expect(write({ url: url(), table }, [{ id: 1, name: 'x', amount: 0 }], { mode: 'upsert', keys: ['id'] })).rejects.toThrow(
      /needs a primary key or unique index on exactly these columns/,
    );
    expect(await sql(`select id, name from ${table} order by id`)).toEqual([{ id: '1', name: 'ada' }, { id: '2', name: "o'brien" }]);
  });

  it('refuses a table name like "x; drop table y" and never runs it', async () => {
    const victim = freshTable('victim');
    await write({ url: url(), table: victim }, seedRows.slice(0, 1));
    const hostile = `x; drop table ${victim}`;
    await expect(write({ url: url(), table: hostile }, seedRows)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(read({ url: url(), table: hostile })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(read({ url: url(), table: victim, schema: 'public; drop table x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await sql(`select count(*)::int as n from ${victim}`)).toEqual([{ n: 1 }]);
  });

  it('discovers tables and their columns, also in other schemas', async () => {
    const table = freshTable('disc');
    await sql(`create table ${table} (id bigint primary key, label varchar(20), price numeric(10,2), seen timestamptz, doc jsonb, ok boolean)`);
    await write({ url: url(), table: `sales.${table}` }, seedRows.slice(0, 1));
    const ctx = await createConnectorContext({ config: { url: url() } as PostgresConfig });
    const relations = await postgresConnector.discover!(ctx);
    await ctx.dispose();
    expect(relations.find((r) => r.name === table)?.columns).toEqual([
      { name: 'id', type: 'BIGINT', nullable: false },
      { name: 'label', type: 'VARCHAR', nullable: true },
      { name: 'price', type: 'DECIMAL(10,2)', nullable: true },
      { name: 'seen', type: 'TIMESTAMP WITH TIME ZONE', nullable: true },
      { name: 'doc', type: 'JSON', nullable: true },
      { name: 'ok', type: 'BOOLEAN', nullable: true },
    ]);
    expect(relations.find((r) => r.name === `sales.${table}`)?.columns.map((c) => c.name)).toEqual(['id', 'name', 'amount']);
  });

  describeRoundTrip('round trip through COPY', { write, read }, { freshTable, config: (table): PostgresConfig => ({ url: url(), table }) });

  it('overwrites in one transaction: a failing write leaves the old rows in place', async () => {
    const table = freshTable();
    await write({ url: url(), table }, seedRows.slice(0, 2));
    await expect(write({ url: url(), table }, [{ id: 9, name: 'new', amount: 1 }, { id: 10, name: 'bad', amount: 'not a number' }], { mode: 'overwrite' })).rejects.toThrow();
    expect((await read({ url: url(), table })).rows.map((r) => r.id).sort()).toEqual([1, 2]);
  });

  it('tests the connection', async () => {
    const ctx = await createConnectorContext({ config: { url: url() } as PostgresConfig });
    await expect(postgresConnector.test(ctx)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/^connected to PostgreSQL/) });
    await ctx.dispose();
  });
});
