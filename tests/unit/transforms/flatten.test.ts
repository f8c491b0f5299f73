import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, issuesOf, openFixture, runSteps, type Fixture } from './transform-fixtures.ts';

let fx: Fixture;
const EVENTS = { events: '"events"' };

beforeAll(async () => {
  fx = await openFixture();
  // payload.user.geo.country is three structs deep; payload.items is a list of structs whose
  // elements hold a list of their own (codes).
  await fx.session.run(`
    CREATE TABLE events AS SELECT * FROM (VALUES
      (1, {'user': {'id': 'u1', 'first name': 'Ann', 'geo': {'country': 'FR', 'city': 'Paris'}},
           'items': [{'sku': 'a', 'qty': 1, 'codes': ['x', 'y']}, {'sku': 'b', 'qty': 2, 'codes': []}], 'tags': ['new', 'web']}),
      (2, {'user': {'id': 'u2', 'first name': 'Bob', 'geo': {'country': 'DE', 'city': 'Berlin'}},
           'items': [{'sku': 'c', 'qty': 3, 'codes': ['z']}], 'tags': []}),
      (3, {'user': {'id': 'u3', 'first name': NULL, 'geo': NULL},
           'items': [], 'tags': NULL})
    ) t(id, payload)
  `);
});
afterAll(() => fx.close());

describe('flatten step', () => {
  it('flattens a 3-level nested struct and explodes a list of structs', async () => {
    const rows = await runSteps(fx.session, [{ flatten: { separator: '_', explode: ['payload.items'] } }, { sort: ['id', 'payload_items_sku'] }], { inputs: EVENTS });
    expect(rows).toEqual([
      {
        id: 1,
        payload_user_id: 'u1',
        'payload_user_first name': 'Ann',
        payload_user_geo_country: 'FR',
        payload_user_geo_city: 'Paris',
        payload_items_sku: 'a',
        payload_items_qty: 1,
        payload_items_codes: ['x', 'y'],
        payload_tags: ['new', 'web'],
      },
      {
        id: 1,
        payload_user_id: 'u1',
        'payload_user_first name': 'Ann',
        payload_user_geo_country: 'FR',
        payload_user_geo_city: 'Paris',
        payload_items_sku: 'b',
        payload_items_qty: 2,
        payload_items_codes: [],
        payload_tags: ['new', 'web'],
      },
      {
        id: 2,
        payload_user_id: 'u2',
        'payload_user_first name': 'Bob',
        payload_user_geo_country: 'DE',
        payload_user_geo_city: 'Berlin',
        payload_items_sku: 'c',
        payload_items_qty: 3,
        payload_items_codes: ['z'],
        payload_tags: [],
      },
    ]);
  });

  it('keeps rows with empty lists when asked, writes other lists as JSON, names by flat name', async () => {
    const rows = await runSteps(
      fx.session,
      [{ flatten: { separator: '__', explode: ['payload__items'], keep_arrays: 'json', keep_empty: true } }, { sort: ['id', 'payload__items__sku'] }],
      { inputs: EVENTS },
    );
    expect(rows.map((r) => [r.id, r.payload__items__sku, r.payload__items__codes, r.payload__tags, r.payload__user__geo__country])).toEqual([
      [1, 'a', '["x","y"]', '["new","web"]', 'FR'],
      [1, 'b', '[]', '["new","web"]', 'FR'],
      [2, 'c', '["z"]', '[]', 'DE'],
      [3, null, null, null, null],
    ]);
    const plan = await compile(fx.session, [{ flatten: { explode: ['payload.items'], keep_arrays: 'json' } }], { inputs: EVENTS });
    const types = Object.fromEntries((await fx.session.describe(plan.sql)).map((c) => [c.name, c.type]));
    expect(types).toMatchObject({ payload_items_codes: 'VARCHAR', payload_items_qty: 'INTEGER', payload_user_geo_country: 'VARCHAR' });
  });

  it('explodes a list inside an exploded element, and drops other lists with keep_arrays: false', async () => {
    const rows = await runSteps(
      fx.session,
      [{ flatten: { explode: ['payload.items.codes', 'payload.items'], keep_arrays: false } }, { select: ['id', 'payload_items_sku', 'payload_items_codes'] }, { sort: ['id', 'payload_items_codes'] }],
      { inputs: EVENTS },
    );
    expect(rows).toEqual([
      { id: 1, payload_items_sku: 'a', payload_items_codes: 'x' },
      { id: 1, payload_items_sku: 'a', payload_items_codes: 'y' },
      { id: 2, payload_items_sku: 'c', payload_items_codes: 'z' },
    ]);
    const plan = await compile(fx.session, [{ flatten: { keep_arrays: false } }], { inputs: EVENTS });
    const names = (await fx.session.describe(plan.sql)).map((c) => c.name);
    expect(names).toEqual(['id', 'payload_user_id', 'payload_user_first name', 'payload_user_geo_country', 'payload_user_geo_city']);
  });

  it('stops at the given depth', async () => {
    const plan = await compile(fx.session, [{ flatten: { depth: 2 } }], { inputs: EVENTS });
    const columns = await fx.session.describe(plan.sql);
    expect(columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id INTEGER',
      'payload_user_id VARCHAR',
      'payload_user_first name VARCHAR',
      'payload_user_geo STRUCT(country VARCHAR, city VARCHAR)',
      'payload_items STRUCT(sku VARCHAR, qty INTEGER, codes VARCHAR[])[]',
      'payload_tags VARCHAR[]',
    ]);
  });

  it('explodes a list of plain values under the list name', async () => {
    const rows = await runSteps(fx.session, [{ flatten: { explode: 'payload_tags', keep_arrays: false } }, { select: ['id', 'payload_tags'] }, { sort: ['id', 'payload_tags'] }], {
      inputs: EVENTS,
    });
    expect(rows).toEqual([
      { id: 1, payload_tags: 'new' },
      { id: 1, payload_tags: 'web' },
    ]);
  });

  it('reports what cannot be exploded and names that clash', async () => {
    expect(await issuesOf(() => compile(fx.session, [{ flatten: { explode: ['payload.user'] } }], { inputs: EVENTS }))).toEqual([
      { path: 'steps[0].flatten.explode', message: `'payload.user' is STRUCT("id" VARCHAR, "first name" VARCHAR, "geo" STRUCT("country" VARCHAR, "city" VARCHAR)), not a list` },
    ]);
    const [missing] = await issuesOf(() => compile(fx.session, [{ flatten: { explode: ['lines'] } }], { inputs: EVENTS }));
    expect(missing).toEqual({ path: 'steps[0].flatten.explode', message: "no list column 'lines' (lists: payload.items, payload.tags)" });
    const [clash] = await issuesOf(() => compile(fx.session, [{ derive: { payload_tags: '1' } }, { flatten: {} }], { inputs: EVENTS }));
    expect(clash).toEqual({ path: 'steps[1].flatten', message: "'payload.tags' and 'payload_tags' both flatten to 'payload_tags': choose another separator" });
  });

  it('uses given columns when there is no describe, and says when columns are unknown', async () => {
    const columns = { events: await fx.session.describe('SELECT * FROM events') };
    const plan = await compile(fx.session, [{ flatten: { explode: ['payload.items'] } }], { inputs: EVENTS, columns, describe: undefined });
    expect(await fx.session.all(`SELECT count(*) AS n FROM (${plan.sql})`)).toEqual([{ n: 3 }]);
    const [issue] = await issuesOf(() => compile(fx.session, [{ limit: 1 }, { derive: { x: '1' } }, { flatten: {} }], { inputs: EVENTS, describe: undefined }));
    expect(issue?.path).toBe('steps[2].flatten');
    expect(issue?.message).toMatch(/needs the columns of its input/);
  });
});
