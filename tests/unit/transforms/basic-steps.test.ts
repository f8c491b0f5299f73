import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFixture, runSteps, sortRows, type Fixture } from './transform-fixtures.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await openFixture();
});
afterAll(() => fx.close());

describe('transform steps: filter, select, derive, sort, limit, dedupe, union', () => {
  it('filters with a SQL condition, also one holding a ; inside a string', async () => {
    const rows = await runSteps(fx.session, [{ filter: "amount > 0 and status <> 'void'" }, { sort: 'id' }, { select: ['id'] }]);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }, { id: 6 }]);
    const none = await runSteps(fx.session, [{ filter: "status = 'a;b'" }]);
    expect(none).toEqual([]);
  });

  it('ANDs a list of conditions and renders params as literals', async () => {
    const rows = await runSteps(fx.session, [{ filter: ['amount >= {{ params.min }}', "status = {{ params.status }}"] }, { sort: 'id' }, { select: ['id'] }], {
      params: { min: 100, status: "paid" },
    });
    expect(rows).toEqual([{ id: 2 }, { id: 4 }]);
  });

  it('selects, renames and casts (map and list forms)', async () => {
    const rows = await runSteps(fx.session, [
      { filter: 'id = 2' },
      { select: { id: 'id', customer: 'customer_id', amount: { expr: 'amount * 2', cast: 'INTEGER' }, day: { expr: 'created_at', cast: 'DATE' }, label: { column: 'status', cast: 'VARCHAR' } } },
    ]);
    expect(rows).toEqual([{ id: 2, customer: 10, amount: 300, day: new Date('2025-01-01T00:00:00Z'), label: 'paid' }]);
    const listed = await runSteps(fx.session, [{ select: ['status', 'id'] }, { limit: 1 }]);
    expect(Object.keys(listed[0] ?? {})).toEqual(['status', 'id']);
  });

  it('try_cast gives NULL where the value does not convert', async () => {
    const rows = await runSteps(fx.session, [{ filter: 'id <= 2' }, { sort: 'id' }, { select: { n: { expr: "case when id = 1 then 'x' else '7' end", cast: 'INTEGER', try_cast: true } } }]);
    expect(rows).toEqual([{ n: null }, { n: 7 }]);
  });

  it('derives new columns and replaces existing ones in place', async () => {
    const rows = await runSteps(fx.session, [
      { filter: 'id = 4' },
      { derive: { amount_eur: 'amount * 0.5', big: 'amount > 100', status: 'upper(status)' } },
    ]);
    expect(rows).toEqual([{ id: 4, customer_id: 20, amount: 200, status: 'PAID', created_at: new Date('2025-01-02T11:00:00Z'), amount_eur: 100, big: true }]);
    // A derived column can use one derived before it in the same step.
    const chained = await runSteps(fx.session, [{ filter: 'id = 4' }, { derive: { half: 'amount / 2', quarter: 'half / 2' } }, { select: ['half', 'quarter'] }]);
    expect(chained).toEqual([{ half: 100, quarter: 50 }]);
  });

  it('derives without known columns by appending (no describe)', async () => {
    const { compile } = await import('./transform-fixtures.ts');
    const plan = await compile(fx.session, [{ filter: 'id = 4' }, { derive: { status: "'x'" } }], { describe: undefined });
    const rows = await fx.session.all(plan.sql);
    expect(rows[0]).toMatchObject({ id: 4, status: 'x' });
    expect(Object.keys(rows[0] ?? {}).at(-1)).toBe('status');
  });

  it('sorts by several keys, in string and object forms, with nulls placement', async () => {
    const rows = await runSteps(fx.session, [{ sort: ['status desc', { column: 'amount', desc: true }] }, { select: ['id'] }]);
    expect(rows.map((r) => r.id)).toEqual([5, 3, 4, 2, 1, 6]);
    const nulls = await runSteps(fx.session, [
      { derive: { maybe: 'case when id % 2 = 0 then null else id end' } },
      { sort: 'maybe asc nulls first' },
      { select: ['maybe'] },
    ]);
    expect(nulls.map((r) => r.maybe)).toEqual([null, null, null, 1, 3, 5]);
  });

  it('limits with and without offset', async () => {
    expect((await runSteps(fx.session, [{ sort: 'id' }, { limit: 2 }, { select: ['id'] }])).map((r) => r.id)).toEqual([1, 2]);
    expect((await runSteps(fx.session, [{ sort: 'id' }, { limit: { count: 2, offset: 3 } }, { select: ['id'] }])).map((r) => r.id)).toEqual([4, 5]);
  });

  it('dedupes keeping the first or the last row by an order', async () => {
    const first = await runSteps(fx.session, [{ dedupe: { keys: ['customer_id'], keep: 'first', order_by: 'created_at' } }, { select: ['customer_id', 'id'] }]);
    expect(sortRows(first, 'customer_id')).toEqual([
      { customer_id: 10, id: 1 },
      { customer_id: 20, id: 3 },
      { customer_id: 30, id: 5 },
      { customer_id: 99, id: 6 },
    ]);
    const last = await runSteps(fx.session, [{ dedupe: { keys: 'customer_id', keep: 'last', order_by: 'created_at' } }, { select: ['customer_id', 'id'] }]);
    expect(sortRows(last, 'customer_id')).toEqual([
      { customer_id: 10, id: 2 },
      { customer_id: 20, id: 4 },
      { customer_id: 30, id: 5 },
      { customer_id: 99, id: 6 },
    ]);
    const byStatus = await runSteps(fx.session, [{ dedupe: { keys: ['status'], keep: 'last', order_by: ['amount desc'] } }, { select: ['status', 'id'] }]);
    expect(sortRows(byStatus, 'status')).toEqual([
      { status: 'paid', id: 6 },
      { status: 'void', id: 3 },
    ]);
  });

  it('dedupes whole rows without keys', async () => {
    const rows = await runSteps(fx.session, [{ select: ['status'] }, { dedupe: {} }, { sort: 'status' }]);
    expect(rows).toEqual([{ status: 'paid' }, { status: 'void' }]);
  });

  it('unions other inputs by name, filling missing columns with NULL', async () => {
    const rows = await runSteps(fx.session, [{ filter: 'id = 1' }, { union: { with: ['orders_2025'], by_name: true } }, { sort: 'id' }]);
    expect(rows).toEqual([
      { id: 1, customer_id: 10, amount: 50, status: 'paid', created_at: new Date('2025-01-01T10:00:00Z'), channel: null },
      { id: 7, customer_id: 40, amount: 99.5, status: 'paid', created_at: null, channel: 'web' },
    ]);
    // Positional and distinct: the two (10, paid) rows of orders become one.
    const positional = await runSteps(fx.session, [
      { select: { id: 'customer_id', name: 'status', country: 'status' } },
      { union: { with: 'customers', by_name: false, distinct: true } },
      { sort: ['id', 'name'] },
    ]);
    expect(positional.map((r) => `${String(r.id)}:${String(r.name)}`)).toEqual(['10:Ann', '10:paid', '20:Bob', '20:paid', '20:void', '30:Cid', '30:void', '40:Dee', '99:paid']);
  });
});
