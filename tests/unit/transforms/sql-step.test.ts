import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSqlTemplate } from '../../../src/engine/transforms/sql-template.ts';
import { compile, issuesOf, openFixture, runSteps, sortRows, type Fixture } from './transform-fixtures.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await openFixture();
});
afterAll(() => fx.close());

describe('sql step', () => {
  it('reads the previous step through {{input}} and renders params as literals', async () => {
    const rows = await runSteps(
      fx.session,
      [{ filter: "status = 'paid'" }, { sql: 'select id, amount * 2 as doubled from {{input}} where created_at >= {{ params.since }} order by id' }],
      { params: { since: '2025-01-02' } },
    );
    expect(rows).toEqual([
      { id: 4, doubled: 400 },
      { id: 6, doubled: 40 },
    ]);
  });

  it("joins named inputs with {{ref('name')}} and {{name}}, and can be the first step", async () => {
    const rows = await runSteps(fx.session, [
      { sql: "select o.id, c.name from {{input}} o join {{ref('customers')}} c on c.id = o.customer_id where o.id in (select id from {{ orders }} where amount > 100)" },
    ]);
    expect(sortRows(rows, 'id')).toEqual([
      { id: 2, name: 'Ann' },
      { id: 4, name: 'Bob' },
    ]);
  });

  it('accepts WITH, FROM-first queries and one trailing semicolon', async () => {
    expect(await runSteps(fx.session, [{ sql: 'with x as (select count(*) as n from {{input}}) select n from x;' }])).toEqual([{ n: 6 }]);
    expect(await runSteps(fx.session, [{ sql: { query: 'from {{input}} select max(id) as top' } }])).toEqual([{ top: 6 }]);
  });

  it('keeps a param with quotes and semicolons a literal', async () => {
    const rows = await runSteps(fx.session, [{ sql: 'select {{ params.evil }} as v from {{input}} limit 1' }], { params: { evil: "x'; drop table orders; --" } });
    expect(rows).toEqual([{ v: "x'; drop table orders; --" }]);
    expect(await fx.session.all('select count(*) as n from orders')).toEqual([{ n: 6 }]);
  });

  it('refuses unknown params and placeholders with their path', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ limit: 1 }, { sql: 'select * from {{input}} where day > {{ params.since }}' }]))).toEqual([
      { path: 'steps[1].sql', message: "unknown param 'since' in {{ params.since }}" },
    ]);
    expect(await issuesOf(() => compile(fx.session, [{ filter: 'id in (select id from {{ orders }})' }]))).toEqual([
      { path: 'steps[0].filter', message: 'dataset references such as {{ orders }} are only available in sql steps' },
    ]);
    expect(() => renderSqlTemplate('{{ 1 + 1 }}', { params: {}, path: 'x' })).toThrow(/unknown placeholder \{\{ 1 \+ 1 \}\}/);
  });
});
