/**
 * SQL models on Postgres: the jaffle fixture built on the profile's `pg` target (a database of
 * this file's own) gives the same marts as on DuckDB, row for row.
 */
import { appendFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { buildProject, type BuildOptions, type BuildResult, type NodeResult } from '../../src/models/build.ts';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/dbt/jaffle');
const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());

let db: TestPostgresDatabase;
let client: pg.Client;
const copies: string[] = [];

beforeAll(async () => {
  if (skip) return;
  db = await createTestPostgresDatabase('dd_models');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end().catch(() => undefined);
  await db?.drop();
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function copyProject(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dd-models-pg-'));
  copies.push(dir);
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

/** Builds on the `pg` target, in `schema` of this file's database (one schema per test). */
function buildPg(projectDir: string, schema: string, options: Partial<BuildOptions> & Pick<BuildOptions, 'command'>): Promise<BuildResult> {
  const env = { ...process.env, JAFFLE_PG_DBNAME: db.name, JAFFLE_PG_HOST: new URL(db.url).hostname, JAFFLE_PG_SCHEMA: schema };
  return buildProject({ projectDir, target: 'pg', env, ...options });
}

async function duckRows(projectDir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const duck = await DuckDb.create({ path: path.join(projectDir, 'jaffle.duckdb') });
  const session = await duck.session();
  try {
    return await session.all(sql);
  } finally {
    session.close();
    duck.close();
  }
}

/** Values compared across warehouses: dates as days, numbers (numeric, decimal, bigint) as numbers. */
function normalise(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        if (value instanceof Date) return [key, value.toISOString().slice(0, 10)];
        if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return [key, Number(value)];
        if (typeof value === 'bigint') return [key, Number(value)];
        return [key, value];
      }),
    ),
  );
}

const byName = (result: BuildResult): Record<string, NodeResult> => Object.fromEntries(result.results.map((r) => [r.node, r]));

describe.skipIf(skip)('dbt projects on Postgres', () => {
  it('builds the jaffle project on Postgres with the same marts as on DuckDB', async () => {
    const pgDir = await copyProject();
    const duckDir = await copyProject();
    const [onPg, onDuck] = [await buildPg(pgDir, 'analytics', { command: 'build', exclude: ['tag:audit'] }), await buildProject({ projectDir: duckDir, command: 'build', exclude: ['tag:audit'] })];
    expect(onPg.errors).toEqual([]);
    expect(onDuck.errors).toEqual([]);
    expect(onPg.target).toEqual({ name: 'pg', type: 'postgres', schema: 'analytics' });
    expect(onPg.results.map((r) => [r.node, r.status])).toEqual(onDuck.results.map((r) => [r.node, r.status]));
    expect(byName(onPg).customers).toMatchObject({ relation: 'analytics.customers', rowsAffected: 10 });

    for (const [relation, order] of [
      ['customers', 'customer_id'],
      ['orders', 'order_id'],
      ['customer_segments', 'customer_id'],
      ['orders_incremental', 'order_id'],
      ['stg_payments', 'payment_id'],
    ]) {
      const fromPg = normalise((await client.query(`select * from analytics.${relation} order by ${order}`)).rows);
      const fromDuck = normalise(await duckRows(duckDir, `select * from main.${relation} order by ${order}`));
      expect(fromPg, relation).toEqual(fromDuck);
      expect(fromPg.length, relation).toBeGreaterThan(0);
    }
    const customer3 = (await client.query('select customer_lifetime_value::text as v, number_of_orders from analytics.customers where customer_id = 3')).rows[0];
    expect(customer3).toEqual({ v: '46.50', number_of_orders: '2' });
    const kinds = (await client.query("select table_name, table_type from information_schema.tables where table_schema = 'analytics' order by 1")).rows;
    expect(kinds).toContainEqual({ table_name: 'stg_orders', table_type: 'VIEW' });
    expect(kinds).toContainEqual({ table_name: 'orders', table_type: 'BASE TABLE' });
    expect(kinds.map((k) => k.table_name)).not.toContain('order_payments');
    expect(kinds.map((k) => k.table_name)).not.toContain('customers__dbt_tmp');
  });

  it('adds only new rows to incremental models on a second run, and seeds keep the views over them', async () => {
    const dir = await copyProject();
    expect((await buildPg(dir, 'incremental', { command: 'build', exclude: ['tag:audit'] })).errors).toEqual([]);
    await appendFile(path.join(dir, 'seeds/raw_orders.csv'), '16,4,2018-02-02,placed\n17,10,2018-02-03,placed\n');
    expect(byName(await buildPg(dir, 'incremental', { command: 'seed' })).raw_orders).toMatchObject({ rowsAffected: 17 });
    // Reloading a seed empties its table instead of dropping it, so stg_orders still stands.
    expect((await client.query('select count(*)::int as n from incremental.stg_orders')).rows[0]).toEqual({ n: 17 });
    const second = byName(await buildPg(dir, 'incremental', { command: 'run', select: ['orders_incremental', 'order_status_snapshot'] }));
    expect(second.orders_incremental).toMatchObject({ status: 'success', rowsAffected: 2 });
    expect(second.order_status_snapshot).toMatchObject({ status: 'success', rowsAffected: 3, message: 'inserted 3 rows into incremental.order_status_snapshot (replaced 1 by order_id)' });
    const counts = (await client.query('select (select count(*) from incremental.orders_incremental)::int as appended, (select count(distinct order_id) from incremental.order_status_snapshot)::int as keys, (select count(*) from incremental.order_status_snapshot)::int as merged')).rows[0];
    expect(counts).toEqual({ appended: 17, keys: 17, merged: 17 });
    const refreshed = byName(await buildPg(dir, 'incremental', { command: 'run', select: ['orders_incremental'], fullRefresh: true }));
    expect(refreshed.orders_incremental).toMatchObject({ rowsAffected: 17, message: 'created incremental table incremental.orders_incremental (17 rows)' });
  });

  it('reports failing tests with their severity and SQL errors at the model line', async () => {
    const dir = await copyProject();
    await writeFile(path.join(dir, 'models/broken.sql'), "select\n    order_id,\n    amout\nfrom {{ ref('stg_orders') }}\n");
    const result = await buildPg(dir, 'failing', { command: 'build' });
    const nodes = byName(result);
    expect(nodes.accepted_values_payments_audit_payment_method__credit_card__bank_transfer).toMatchObject({ status: 'warn', failures: 2 });
    expect(nodes.not_null_payments_audit_nonzero_payment_id).toMatchObject({ status: 'fail', failures: 1 });
    expect(nodes.payments_audit).toMatchObject({ status: 'success', relation: 'failing_audit.payments_audit' });
    expect(nodes.broken?.status).toBe('error');
    expect(nodes.broken?.message).toMatch(/^models\/broken\.sql:3: column "amout" does not exist/);
    expect(result.errors.map((e) => e.node).sort()).toEqual(['broken', 'not_null_payments_audit_nonzero_payment_id']);
  });
});
