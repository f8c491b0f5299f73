import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTransformConfig } from '../../../src/engine/transforms/transform-config.ts';
import { compile, issuesOf, openFixture, runSteps, type Fixture } from './transform-fixtures.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await openFixture();
});
afterAll(() => fx.close());

const configIssues = (steps: unknown[]) => issuesOf(() => parseTransformConfig({ steps }));

describe('transform step errors', () => {
  it('names an unknown step kind and a step with two kinds', async () => {
    expect(await configIssues([{ limit: 1 }, { filterr: 'x' }])).toEqual([
      { path: 'steps[1]', message: "unknown step kind 'filterr' (expected one of filter, select, derive, join, aggregate, flatten, dedupe, sort, limit, union, sql, function)" },
    ]);
    const [two] = await configIssues([{ filter: 'a', limit: 1 }]);
    expect(two).toEqual({ path: 'steps[0]', message: expect.stringContaining("a step has exactly one key naming its kind") });
    expect(two?.message).toContain("got 'filter', 'limit'");
    expect(await configIssues(['filter'])).toEqual([{ path: 'steps[0]', message: expect.stringContaining('expected a step such as') }]);
  });

  it('names an unknown aggregate by metric', async () => {
    expect(await configIssues([{ filter: 'a > 1' }, { limit: 5 }, { aggregate: { group_by: ['day'], metrics: { orders: 'count', revenue: { total: 'amount' } } } }])).toEqual([
      { path: 'steps[2].aggregate.metrics.revenue', message: "unknown aggregate 'total' (expected one of count, count_distinct, sum, avg, min, max, median, quantile, stddev, variance, any_value, list, expr)" },
    ]);
    expect(await configIssues([{ aggregate: { metrics: { p: { quantile: 'x' }, s: 'sum', m: { max: 'x', q: 0.5 } } } }])).toEqual([
      { path: 'steps[0].aggregate.metrics.p.q', message: 'expected a quantile between 0 and 1' },
      { path: 'steps[0].aggregate.metrics.s', message: "aggregate 'sum' needs a column: write { sum: column }" },
      { path: 'steps[0].aggregate.metrics.m.q', message: "'q' only applies to quantile" },
    ]);
  });

  it('names wrong fields inside a step', async () => {
    expect(await configIssues([{ join: { with: 'customers', type: 'outer', on: ['id'] } }])).toEqual([
      { path: 'steps[0].join.type', message: 'expected one of "inner", "left", "right", "full", got the string \'outer\'' },
    ]);
    expect(await configIssues([{ join: { with: 'customers', on: ['a', 'b'], right_on: ['x'] } }])).toEqual([
      { path: 'steps[0].join.right_on', message: 'expected 2 key column(s), like on' },
    ]);
    expect(await configIssues([{ dedupe: { keys: ['id'], keep: 'last' } }])).toEqual([
      { path: 'steps[0].dedupe.order_by', message: 'keep: last needs an order_by to say which row is last' },
    ]);
    expect(await configIssues([{ limit: -1 }])).toHaveLength(1);
    const [cast] = await configIssues([{ select: { x: { expr: 'a', cast: 'DOUBLE); drop table x; --' } } }]);
    expect(cast?.path).toBe('steps[0].select.x.cast');
    expect(cast?.message).toMatch(/invalid DuckDB type/);
    expect(await configIssues([{ function: { export: 'x' } }])).toEqual([{ path: 'steps[0].function', message: 'expected module (a file exporting the function) or fn' }]);
    expect(await issuesOf(() => parseTransformConfig({ steps: [] }))).toEqual([{ path: 'steps', message: 'a transform needs at least one step' }]);
  });

  it('refuses ; outside string literals in a filter', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ filter: 'amount > 0; drop table orders' }]))).toEqual([
      { path: 'steps[0].filter', message: "';' is not allowed in an expression: it would end the statement" },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ limit: 1 }, { derive: { x: "1 /* ; */ ; select 'x'" } }]))).toEqual([
      { path: 'steps[1].derive.x.expr', message: "';' is not allowed in an expression: it would end the statement" },
    ]);
    expect(await fx.session.all('select count(*) as n from orders')).toEqual([{ n: 6 }]);
  });

  it('refuses expressions that would close their parentheses or open a comment', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ filter: '1=1) union all (select 1' }]))).toEqual([{ path: 'steps[0].filter', message: "unbalanced ')'" }]);
    expect(await issuesOf(() => compile(fx.session, [{ filter: '1=1 /* swallow' }]))).toEqual([{ path: 'steps[0].filter', message: 'unterminated /* comment' }]);
    expect(await issuesOf(() => compile(fx.session, [{ filter: "status = 'open" }]))).toEqual([{ path: 'steps[0].filter', message: 'unterminated string literal' }]);
    // A line comment at the end is harmless: the generated SQL goes on after a new line.
    expect((await runSteps(fx.session, [{ filter: 'amount > 100 -- big ones' }, { select: ['id'] }, { sort: 'id' }])).map((r) => r.id)).toEqual([2, 4]);
  });

  it('refuses a sql step that is not a single SELECT or WITH query', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ sql: 'delete from orders' }]))).toEqual([
      { path: 'steps[0].sql', message: 'expected a single SELECT or WITH query, got DELETE' },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ sql: 'select * from {{input}}; drop table orders' }]))).toEqual([
      { path: 'steps[0].sql', message: 'expected a single query: found more than one statement' },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ sql: 'select 1 as x) , evil as (select 2' }]))).toEqual([{ path: 'steps[0].sql', message: "unbalanced ')'" }]);
    expect(await fx.session.all('select count(*) as n from orders')).toEqual([{ n: 6 }]);
  });

  it('names an unknown dataset in a join, a union and a from', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ limit: 1 }, { join: { with: 'nope', on: ['id'] } }]))).toEqual([
      { path: 'steps[1].join.with', message: "unknown dataset 'nope' (inputs: orders, customers, orders_2025)" },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ union: ['customers', 'ghost'] }]))).toEqual([
      { path: 'steps[0].union.with[1]', message: "unknown dataset 'ghost' (inputs: orders, customers, orders_2025)" },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ sql: "select * from {{ref('ghost')}}" }]))).toEqual([
      { path: 'steps[0].sql', message: "unknown dataset 'ghost' (inputs: orders, customers, orders_2025)" },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ limit: 1 }], { from: 'ghost' }))).toEqual([{ path: 'from', message: "unknown input 'ghost' (inputs: orders, customers, orders_2025)" }]);
  });

  it('names unknown columns where they are known, and locates DuckDB errors by step', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ join: { with: 'customers', on: ['customer_id'], right_on: ['cid'] } }]))).toEqual([
      { path: 'steps[0].join.right_on', message: "unknown column 'cid' (columns: id, name, country)" },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ sort: 'amount desc' }, { aggregate: { group_by: ['day'], metrics: { n: 'count' } } }]))).toEqual([
      { path: 'steps[1].aggregate.group_by', message: "unknown column 'day' (columns: id, customer_id, amount, status, created_at)" },
    ]);
    const [binder] = await issuesOf(() => compile(fx.session, [{ limit: 3 }, { filter: 'amout > 0' }]));
    expect(binder?.path).toBe('steps[1].filter');
    expect(binder?.message).toMatch(/^Binder Error: Referenced column "amout" not found/);
  });
});
