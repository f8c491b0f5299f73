/**
 * The `mysql` connector against a real MariaDB (or MySQL), in a database of this file's own.
 */
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnInfo, RecordBatch } from '../../src/connectors/connector.ts';
import { createConnectorContext, MemoryConnectorState } from '../../src/connectors/connector-context.ts';
import { mysqlConnector, type MysqlConfig } from '../../src/connectors/sql/mysql-connector.ts';
import { runConnectorContract } from '../contracts/connector-contract.ts';
import { describeRoundTrip, sqlConnectorHarness } from '../contracts/sql-connector-suite.ts';
import { createTestMysqlDatabase, isMysqlReachable, type TestMysqlDatabase } from '../helpers/mysql.ts';
import { skipWithoutService } from '../helpers/services.ts';

const skip = skipWithoutService('MariaDB', await isMysqlReachable());
const db: TestMysqlDatabase | undefined = skip ? undefined : await createTestMysqlDatabase('dd_test_mysql_conn');
afterAll(async () => db?.drop());

let tableCount = 0;
const freshTable = (prefix = 't') => `${prefix}_${++tableCount}`;
const url = () => (db as TestMysqlDatabase).url;

const { write, read } = sqlConnectorHarness(mysqlConnector);

async function sql(text: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const connection = await mysql.createConnection({ uri: url(), supportBigNumbers: true });
  try {
    return (await connection.execute(text, params as never[]))[0] as Array<Record<string, unknown>>;
  } finally {
    await connection.end();
  }
}

runConnectorContract({ name: 'mysql (MariaDB)', connector: mysqlConnector, skip, config: () => ({ url: url(), table: freshTable('contract') }) });

describe.skipIf(skip)('mysql connector', () => {
  const seedRows = [
    { id: 1, name: 'ada', amount: 10 },
    { id: 2, name: "o'brien", amount: 20 },
    { id: 3, name: 'grace', amount: 30 },
    { id: 4, name: 'linus', amount: 40 },
  ];

  it('reads a parameterised query with run params bound, never spliced', async () => {
    const table = freshTable();
    await write({ url: url(), table }, seedRows);
    const config: MysqlConfig = {
      url: url(),
      query: `select id, name from ${table} where amount >= ? and name <> ? order by id`,
      query_params: ['${params.min}', '${params.skip}'],
      batch_size: 2,
    };
    const { batches, rows } = await read(config, { params: { min: 20, skip: 'grace' } });
    expect(rows).toEqual([{ id: 2, name: "o'brien" }, { id: 4, name: 'linus' }]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);

    const hostile = await read(config, { params: { min: 0, skip: `x'; drop table ${table}; --` } });
    expect(hostile.rows).toHaveLength(4);
    expect(await sql(`select count(*) as n from ${table}`)).toEqual([{ n: 4 }]);
  });

  it('refuses ${params.x} templates inside the query text', async () => {
    await expect(read({ url: url(), query: "select * from t where name = '${params.name}'" }, { params: { name: 'x' } })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('reads incrementally: a second call with the carried state reads only new rows', async () => {
    const table = freshTable();
    const config: MysqlConfig = { url: url(), table, incremental: { cursor: 'id' }, batch_size: 2 };
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
    const config: MysqlConfig = { url: url(), query: `select * from ${table}`, incremental: { cursor: 'updated_at', initial: '2026-01-01 12:00:00' } };
    expect((await read(config, { state })).rows.map((r) => r.id)).toEqual([2, 3]);
    await write({ url: url(), table }, [{ id: 4, updated_at: at('4') }], { columns });
    expect((await read(config, { state })).rows).toEqual([{ id: 4, updated_at: at('4') }]);
  });

  it('appends 20,000 rows in batched INSERTs and reads them back exactly', async () => {
    const table = freshTable('bulk');
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i + 1, name: `name ${i} "q", line\n${i % 7}`, amount: (i * 37) % 1000 / 4 }));
    const started = performance.now();
    const { rowsWritten } = await write({ url: url(), table }, rows);
    const seconds = (performance.now() - started) / 1000;
    console.log(`mysql batched INSERT append: 20000 rows in ${(seconds * 1000).toFixed(0)} ms (${Math.round(20_000 / seconds)} rows/s)`);
    expect(rowsWritten).toBe(20_000);

    const checksum = (list: RecordBatch) =>
      createHash('sha256')
        .update([...list].sort((a, b) => Number(a.id) - Number(b.id)).map((r) => `${r.id}|${r.name}|${r.amount}`).join('\n'))
        .digest('hex');
    const back = await read({ url: url(), table, batch_size: 5_000 });
    expect(back.rows).toHaveLength(20_000);
    expect(back.batches.every((b) => b.length <= 5_000)).toBe(true);
    expect(checksum(back.rows)).toBe(checksum(rows));
    expect(await sql(`select count(*) as n, cast(sum(id) as signed) as s from ${table}`)).toEqual([{ n: 20_000, s: (20_000 * 20_001) / 2 }]);
  });

  it('refuses to upsert into a table without a unique key on the keys, and leaves it as it was', async () => {
    const table = freshTable();
    await sql(`create table ${table} (id bigint, name text, amount double)`);
    await write({ url: url(), table }, seedRows.slice(0, 2));
    await expect(write({ url: url(), table }, [{ id: 1, name: 'x', amount: 0 }], { mode: 'upsert', keys: ['id'] })).rejects.toThrow(
      /needs a primary key or unique index on exactly these columns/,
    );
    expect(await sql(`select id, name from ${table} order by id`)).toEqual([{ id: 1, name: 'ada' }, { id: 2, name: "o'brien" }]);
  });

  it('refuses a table name like "x; drop table y" and never runs it', async () => {
    const victim = freshTable('victim');
    await write({ url: url(), table: victim }, seedRows.slice(0, 1));
    const hostile = `x; drop table ${victim}`;
    await expect(write({ url: url(), table: hostile }, seedRows)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(read({ url: url(), table: hostile })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(read({ url: url(), table: victim, schema: 'test; drop table x' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await sql(`select count(*) as n from ${victim}`)).toEqual([{ n: 1 }]);
  });

  it('discovers tables and their columns, MariaDB JSON columns included', async () => {
    const table = freshTable('disc');
    await sql(`create table ${table} (id bigint primary key, label varchar(20), price decimal(10,2), seen datetime(6), doc json, ok boolean)`);
    const ctx = await createConnectorContext({ config: { url: url() } as MysqlConfig });
    const relations = await mysqlConnector.discover!(ctx);
    await ctx.dispose();
    expect(relations.find((r) => r.name === table)?.columns).toEqual([
      { name: 'id', type: 'BIGINT', nullable: false },
      { name: 'label', type: 'VARCHAR', nullable: true },
      { name: 'price', type: 'DECIMAL(10,2)', nullable: true },
      { name: 'seen', type: 'TIMESTAMP', nullable: true },
      { name: 'doc', type: 'JSON', nullable: true },
      { name: 'ok', type: 'BOOLEAN', nullable: true },
    ]);
  });

  describeRoundTrip('round trip', { write, read }, { freshTable, config: (table): MysqlConfig => ({ url: url(), table }) });

  it('overwrites in one transaction: a failing write leaves the old rows in place', async () => {
    const table = freshTable();
    await write({ url: url(), table }, seedRows.slice(0, 2));
    // 600 rows: the failure comes in the second INSERT, after the DELETE and a first chunk.
    const rows = Array.from({ length: 600 }, (_, i) => ({ id: 100 + i, name: 'new', amount: i === 599 ? 'not a number' : i }));
    await expect(write({ url: url(), table }, rows, { mode: 'overwrite' })).rejects.toThrow();
    expect((await read({ url: url(), table })).rows.map((r) => r.id).sort()).toEqual([1, 2]);
  });

  it('tests the connection', async () => {
    const ctx = await createConnectorContext({ config: { url: url() } as MysqlConfig });
    await expect(mysqlConnector.test(ctx)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/^connected to MySQL/) });
    await ctx.dispose();
  });
});
