/**
 * The `duckdb` connector on database files in a temp folder of this file's own.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnInfo, RecordBatch } from '../../src/connectors/connector.ts';
import { createConnectorContext, MemoryConnectorState } from '../../src/connectors/connector-context.ts';
import { duckdbConnector, type DuckdbConfig } from '../../src/connectors/sql/duckdb-connector.ts';
import { runConnectorContract } from '../contracts/connector-contract.ts';
import { describeRoundTrip, sqlConnectorHarness } from '../contracts/sql-connector-suite.ts';

const dir = await mkdtemp(path.join(os.tmpdir(), 'dd-duckdb-conn-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

let tableCount = 0;
const freshTable = (prefix = 't') => `${prefix}_${++tableCount}`;
/** Every test shares one file (tables keep tests apart); the contract gets a file per table. */
const file = path.join(dir, 'main.duckdb');
const dbPath = () => file;

const { write, read } = sqlConnectorHarness(duckdbConnector);

/** Opens the file only for the statement, since the connector opens it on its own. */
async function sql(text: string): Promise<Array<Record<string, unknown>>> {
  const duck = await DuckDb.create({ path: file });
  const session = await duck.session();
  try {
    return await session.all(text);
  } finally {
    session.close();
    duck.close();
  }
}

runConnectorContract({
  name: 'duckdb',
  connector: duckdbConnector,
  config: () => {
    const table = freshTable('contract');
    return { path: path.join(dir, `${table}.duckdb`), table };
  },
});

describe('duckdb connector', () => {
  const seedRows = [
    { id: 1, name: 'ada', amount: 10 },
    { id: 2, name: "o'brien", amount: 20 },
    { id: 3, name: 'grace', amount: 30 },
    { id: 4, name: 'linus', amount: 40 },
  ];

  it('reads a parameterised query with run params bound, never spliced', async () => {
    const table = freshTable();
    await write({ path: dbPath(), table }, seedRows);
    const config: DuckdbConfig = {
      path: dbPath(),
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
    await expect(read({ path: dbPath(), query: "select * from t where name = '${params.name}'" }, { params: { name: 'x' } })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('reads incrementally: a second call with the carried state reads only new rows', async () => {
    const table = freshTable();
    const config: DuckdbConfig = { path: dbPath(), table, incremental: { cursor: 'id' }, batch_size: 2 };
    await write({ path: dbPath(), table }, seedRows.slice(0, 3));
    const state = new MemoryConnectorState();

    const first = await read(config, { state });
    expect(first.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(await state.get()).toMatchObject({ column: 'id', value: 3 });

    await write({ path: dbPath(), table }, [...seedRows.slice(3), { id: 5, name: 'barbara', amount: 50 }]);
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
    await write({ path: dbPath(), table }, [{ id: 1, updated_at: at('1') }, { id: 2, updated_at: at('2') }, { id: 3, updated_at: at('3') }], { columns });
    const state = new MemoryConnectorState();
    const config: DuckdbConfig = { path: dbPath(), query: `select * from ${table}`, incremental: { cursor: 'updated_at', initial: '2026-01-01 12:00:00' } };
    expect((await read(config, { state })).rows.map((r) => r.id)).toEqual([2, 3]);
    await write({ path: dbPath(), table }, [{ id: 4, updated_at: at('4') }], { columns });
    expect((await read(config, { state })).rows).toEqual([{ id: 4, updated_at: at('4') }]);
  });

  it('appends 20,000 rows through staged NDJSON and reads them back exactly', async () => {
    const table = freshTable('bulk');
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i + 1, name: `name ${i} "q", line\n${i % 7}`, amount: (i * 37) % 1000 / 4 }));
    const started = performance.now();
    const { rowsWritten } = await write({ path: dbPath(), table }, rows);
    const seconds = (performance.now() - started) / 1000;
    console.log(`duckdb NDJSON append: 20000 rows in ${(seconds * 1000).toFixed(0)} ms (${Math.round(20_000 / seconds)} rows/s)`);
    expect(rowsWritten).toBe(20_000);

    const checksum = (list: RecordBatch) =>
      createHash('sha256')
        .update([...list].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => `${r.id}|${r.name}|${r.amount}`).join('\n'))
        .digest('hex');
    const back = await read({ path: dbPath(), table, batch_size: 5_000 });
    expect(back.rows).toHaveLength(20_000);
    expect(back.batches.every((b) => b.length <= 5_000)).toBe(true);
    expect(checksum(back.rows)).toBe(checksum(rows));
    expect(await sql(`select count(*)::int as n, sum(id)::bigint as s from ${table}`)).toEqual([{ n: 20_000, s: (20_000 * 20_001) / 2 }]);
  });

  it('refuses to upsert into a table without a unique key on the keys, and leaves it as it was', async () => {
    const table = freshTable();
    await sql(`create table ${table} (id bigint, name varchar, amount double)`);
    await write({ path: dbPath(), table }, seedRows.slice(0, 2));
    await expect(write({ path: dbPath(), table }, [{ id: 1, name: 'x', amount: 0 }], { mode: 'upsert', keys: ['id'] })).rejects.toThrow(
      /needs a primary key or unique index on exactly these columns/,
    );
    expect(await sql(`select id, name from ${table} order by id`)).toEqual([{ id: 1, name: 'ada' }, { id: 2, name: "o'brien" }]);
  });

  it('refuses a table name like "x; drop table y" and never runs it', async () => {
    const victim = freshTable('victim');
    await write({ path: dbPath(), table: victim }, seedRows.slice(0, 1));
    const hostile = `x; drop table ${victim}`;
    await expect(write({ path: dbPath(), table: hostile }, seedRows)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(read({ path: dbPath(), table: hostile })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(read({ path: dbPath(), table: victim, schema: 'main; drop table x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await sql(`select count(*)::int as n from ${victim}`)).toEqual([{ n: 1 }]);
  });

  it('discovers tables and their columns, also in other schemas', async () => {
    const table = freshTable('disc');
    await sql(`create table ${table} (id bigint primary key, label varchar, price decimal(10,2), seen timestamptz, doc json, ok boolean, tags varchar[])`);
    await write({ path: dbPath(), table: `sales.${table}` }, seedRows.slice(0, 1));
    const ctx = await createConnectorContext({ config: { path: dbPath() } as DuckdbConfig });
    const relations = await duckdbConnector.discover!(ctx);
    await ctx.dispose();
    expect(relations.find((r) => r.name === table)?.columns).toEqual([
      { name: 'id', type: 'BIGINT', nullable: false },
      { name: 'label', type: 'VARCHAR', nullable: true },
      { name: 'price', type: 'DECIMAL(10,2)', nullable: true },
      { name: 'seen', type: 'TIMESTAMP WITH TIME ZONE', nullable: true },
      { name: 'doc', type: 'JSON', nullable: true },
      { name: 'ok', type: 'BOOLEAN', nullable: true },
      { name: 'tags', type: 'VARCHAR[]', nullable: true },
    ]);
    expect(relations.find((r) => r.name === `sales.${table}`)?.columns.map((c) => c.name)).toEqual(['id', 'name', 'amount']);
  });

  describeRoundTrip('round trip', { write, read }, { freshTable, config: (table): DuckdbConfig => ({ path: dbPath(), table }) });

  it('overwrites in one transaction: a failing write leaves the old rows in place', async () => {
    const table = freshTable();
    await write({ path: dbPath(), table }, seedRows.slice(0, 2));
    await expect(write({ path: dbPath(), table }, [{ id: 9, name: 'new', amount: 1 }, { id: 10, name: 'bad', amount: 'not a number' }], { mode: 'overwrite' })).rejects.toThrow();
    expect((await read({ path: dbPath(), table })).rows.map((r) => r.id).sort()).toEqual([1, 2]);
  });

  it('tests the connection', async () => {
    const ctx = await createConnectorContext({ config: { path: dbPath() } as DuckdbConfig });
    await expect(duckdbConnector.test(ctx)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/DuckDB/) });
    await ctx.dispose();
  });
});
