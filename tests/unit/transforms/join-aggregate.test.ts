import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../../src/engine/sql-quote.ts';
import { INPUTS, openFixture, runSteps, sortRows, type Fixture } from './transform-fixtures.ts';

let fx: Fixture;
let dir: string;
beforeAll(async () => {
  fx = await openFixture();
  dir = mkdtempSync(path.join(tmpdir(), 'transform-join-'));
});
afterAll(() => {
  fx.close();
  rmSync(dir, { recursive: true, force: true });
});

const joinRows = (type: string) =>
  runSteps(fx.session, [
    { select: ['id', 'customer_id'] },
    { join: { with: 'customers', type, on: ['customer_id'], right_on: ['id'], select: ['name'] } },
  ]);

describe('join step', () => {
  it('inner join keeps matching rows only', async () => {
    expect(sortRows(await joinRows('inner'), 'id')).toEqual([
      { id: 1, customer_id: 10, name: 'Ann' },
      { id: 2, customer_id: 10, name: 'Ann' },
      { id: 3, customer_id: 20, name: 'Bob' },
      { id: 4, customer_id: 20, name: 'Bob' },
      { id: 5, customer_id: 30, name: 'Cid' },
    ]);
  });

  it('left join keeps every left row', async () => {
    const rows = sortRows(await joinRows('left'), 'id');
    expect(rows).toHaveLength(6);
    expect(rows[5]).toEqual({ id: 6, customer_id: 99, name: null });
  });

  it('right join keeps every right row and fills the key from the right', async () => {
    const rows = sortRows(await joinRows('right'), 'customer_id', 'id');
    expect(rows).toHaveLength(6);
    expect(rows.at(-1)).toEqual({ id: null, customer_id: 40, name: 'Dee' });
    expect(rows.some((r) => r.customer_id === 99)).toBe(false);
  });

  it('full join keeps both sides with one coalesced key column', async () => {
    const rows = sortRows(await joinRows('full'), 'customer_id', 'id');
    expect(rows.map((r) => [r.id, r.customer_id, r.name])).toEqual([
      [1, 10, 'Ann'],
      [2, 10, 'Ann'],
      [3, 20, 'Bob'],
      [4, 20, 'Bob'],
      [5, 30, 'Cid'],
      [null, 40, 'Dee'],
      [6, 99, null],
    ]);
  });

  it('brings every right column but the keys, prefixed, and refuses clashing names', async () => {
    const rows = await runSteps(fx.session, [
      { filter: 'id = 1' },
      { select: ['id', 'customer_id'] },
      { join: { with: 'customers', on: 'customer_id', right_on: 'id', prefix: 'c_' } },
    ]);
    expect(rows).toEqual([{ id: 1, customer_id: 10, c_name: 'Ann', c_country: 'FR' }]);
    await expect(
      runSteps(fx.session, [{ select: { id: 'id', name: 'status', customer_id: 'customer_id' } }, { join: { with: 'customers', on: 'customer_id', right_on: 'id' } }]),
    ).rejects.toThrow(/steps\[1\]\.join: column 'name' on both sides: add a prefix or a select/);
  });

  it('joins a Parquet input on several keys with the same names on both sides', async () => {
    const file = path.join(dir, 'targets.parquet');
    await fx.session.run(`COPY (SELECT * FROM (VALUES (10, 'paid', 1000.0), (20, 'void', 5.0)) t(customer_id, status, target)) TO ${quoteLiteral(file)} (FORMAT parquet)`);
    const rows = await runSteps(
      fx.session,
      [{ join: { with: 'targets', on: ['customer_id', 'status'] } }, { select: ['id', 'target'] }],
      { inputs: { ...INPUTS, targets: `read_parquet([${quoteLiteral(file)}])` } },
    );
    expect(sortRows(rows, 'id')).toEqual([
      { id: 1, target: 1000 },
      { id: 2, target: 1000 },
      { id: 3, target: 5 },
    ]);
  });
});

describe('aggregate step', () => {
  it('computes every aggregate over the whole input', async () => {
    const rows = await runSteps(fx.session, [
      {
        aggregate: {
          metrics: {
            orders: 'count',
            revenue: { sum: 'amount' },
            avg_amount: { avg: 'amount' },
            buyers: { count_distinct: 'customer_id' },
            p50: { median: 'amount' },
            p90: { quantile: 'amount', q: 0.9 },
            p90_disc: { quantile: 'amount', q: 0.9, discrete: true },
            first_day: { min: 'created_at' },
            last_day: { max: 'created_at' },
            paid: { sum: 'amount', where: "status = 'paid'" },
            with_status: { count: 'status' },
            spread: { stddev: 'amount' },
            var: { variance: 'amount' },
            double_revenue: { expr: 'sum(amount) * 2' },
          },
        },
      },
    ]);
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, number>;
    // amounts: 0, 20, 50, 80, 150, 200. Interpolated p90 lies between 150 and 200; the discrete
    // one is the nearest rank: the smallest value with at least 90% of rows at or below it.
    expect(row).toMatchObject({ orders: 6, revenue: 500, buyers: 4, p50: 65, p90: 175, p90_disc: 200, paid: 420, with_status: 6, double_revenue: 1000 });
    expect(row.avg_amount).toBeCloseTo(500 / 6, 10);
    const mean = 500 / 6;
    const variance = [0, 20, 50, 80, 150, 200].reduce((s, a) => s + (a - mean) ** 2, 0) / 5;
    expect(row.var).toBeCloseTo(variance, 8);
    expect(row.spread).toBeCloseTo(Math.sqrt(variance), 8);
    expect(rows[0]?.first_day).toEqual(new Date('2025-01-01T10:00:00Z'));
    expect(rows[0]?.last_day).toEqual(new Date('2025-01-03T09:00:00Z'));
  });

  it('groups by columns, also a derived day, after a join', async () => {
    const rows = await runSteps(fx.session, [
      { filter: "status = 'paid'" },
      { join: { with: 'customers', type: 'left', on: ['customer_id'], right_on: ['id'], select: ['country'] } },
      { derive: { day: 'CAST(created_at AS DATE)' } },
      { aggregate: { group_by: ['country', 'day'], metrics: { orders: 'count', revenue: { sum: 'amount' }, amounts: { list: 'amount' } } } },
      { sort: ['day', 'country'] },
    ]);
    // list() gathers in no fixed order.
    for (const row of rows) (row.amounts as number[]).sort((a, b) => a - b);
    expect(rows).toEqual([
      { country: 'FR', day: new Date('2025-01-01T00:00:00Z'), orders: 2, revenue: 200, amounts: [50, 150] },
      { country: 'DE', day: new Date('2025-01-02T00:00:00Z'), orders: 1, revenue: 200, amounts: [200] },
      { country: null, day: new Date('2025-01-03T00:00:00Z'), orders: 1, revenue: 20, amounts: [20] },
    ]);
  });

  it('groups without metrics to list distinct groups', async () => {
    const rows = await runSteps(fx.session, [{ aggregate: { group_by: 'status' } }, { sort: 'status' }]);
    expect(rows).toEqual([{ status: 'paid' }, { status: 'void' }]);
  });
});
