/**
 * SQL models on DuckDB: the jaffle fixture (tests/fixtures/dbt/jaffle) built as dbt users build
 * it, on a fresh copy per test, with the results read back from the project's database file.
 */
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { buildProject, type BuildOptions, type BuildResult, type NodeResult } from '../../src/models/build.ts';
import { loadDbtProject } from '../../src/models/dbt-project.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/dbt/jaffle');
const copies: string[] = [];

afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh copy of the fixture project (builds write target/ and jaffle.duckdb into it). */
async function copyProject(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dd-models-duck-'));
  copies.push(dir);
  await cp(FIXTURE, dir, { recursive: true });
  return dir;
}

function build(projectDir: string, options: Partial<BuildOptions> & Pick<BuildOptions, 'command'>): Promise<BuildResult> {
  return buildProject({ projectDir, ...options });
}

async function query(projectDir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await DuckDb.create({ path: path.join(projectDir, 'jaffle.duckdb') });
  const session = await db.session();
  try {
    return await session.all(sql);
  } finally {
    session.close();
    db.close();
  }
}

const byName = (result: BuildResult): Record<string, NodeResult> => Object.fromEntries(result.results.map((r) => [r.node, r]));
const day = (value: unknown): string | null => (value instanceof Date ? value.toISOString().slice(0, 10) : value === null ? null : String(value));
const names = (result: BuildResult, type = 'model'): string[] => result.results.filter((r) => r.resourceType === type).map((r) => r.node).sort();

describe('dbt projects on DuckDB', () => {
  it('builds the seeds, models and tests of the happy path and gets the marts exactly right', async () => {
    const dir = await copyProject();
    const result = await build(dir, { command: 'build', exclude: ['tag:audit'] });
    expect(result.errors).toEqual([]);
    const nodes = byName(result);
    expect(nodes.raw_orders).toMatchObject({ status: 'success', resourceType: 'seed', rowsAffected: 15 });
    expect(nodes.stg_orders).toMatchObject({ status: 'success', materialized: 'view', relation: 'main.stg_orders' });
    expect(nodes.customers).toMatchObject({ status: 'success', materialized: 'table', rowsAffected: 10 });
    expect(nodes.orders).toMatchObject({ status: 'success', materialized: 'table', rowsAffected: 15 });
    expect(nodes.orders_incremental).toMatchObject({ status: 'success', materialized: 'incremental', rowsAffected: 15 });
    expect(nodes.unique_orders_order_id).toMatchObject({ status: 'pass', failures: 0 });
    expect(nodes.relationships_orders_customer_id__customer_id__ref_customers_).toMatchObject({ status: 'pass' });
    expect(nodes.is_positive_customers_customer_lifetime_value).toMatchObject({ status: 'pass' });
    expect(nodes.assert_order_amounts_non_negative).toMatchObject({ status: 'pass', resourceType: 'test' });
    // The ephemeral model is never built, and nothing of the excluded audit folder ran.
    expect(nodes.order_payments).toBeUndefined();
    expect(nodes.payments_audit).toBeUndefined();
    expect(result.results.every((r) => r.status === 'success' || r.status === 'pass')).toBe(true);
    expect(result.results).toHaveLength(32);

    const customers = await query(dir, 'SELECT * FROM main.customers ORDER BY customer_id');
    expect(
      customers.map((c) => [c.customer_id, c.first_name, day(c.first_order), day(c.most_recent_order), c.number_of_orders, Number(c.customer_lifetime_value)]),
    ).toEqual([
      [1, 'Michael', '2018-01-01', '2018-01-22', 3, 52],
      [2, 'Shawn', '2018-01-14', '2018-02-01', 2, 33],
      [3, 'Kathleen', '2018-01-02', '2018-01-12', 2, 46.5],
      [4, 'Jimmy', '2018-01-04', '2018-01-04', 1, 1],
      [5, 'Katherine', '2018-01-05', '2018-01-20', 2, 32],
      [6, 'Sarah', '2018-01-07', '2018-01-28', 2, 36],
      [7, 'Martin', '2018-01-09', '2018-01-09', 1, 16],
      [8, 'Frank', '2018-01-11', '2018-01-11', 1, 23],
      [9, 'Jennifer', '2018-01-25', '2018-01-25', 1, 1],
      [10, 'Henry', null, null, 0, 0],
    ]);
    const orders = await query(dir, 'SELECT * FROM main.orders ORDER BY order_id');
    expect(orders).toHaveLength(15);
    expect(orders.map((o) => Number(o.amount))).toEqual([10, 23.5, 1, 30, 17, 6, 16, 23, 23, 26, 15, 12, 1, 30, 7]);
    // The {% for %} loop over payment methods made one column per method.
    expect(orders[1]).toMatchObject({ order_id: 2, status: 'completed' });
    expect([orders[1], orders[3]].map((o) => [o?.credit_card_amount, o?.coupon_amount, o?.bank_transfer_amount, o?.gift_card_amount].map(Number))).toEqual([
      [20, 0, 3.5, 0],
      [0, 25, 0, 5],
    ]);
    const segments = await query(dir, 'SELECT segment, count(*)::INTEGER AS n FROM main.customer_segments GROUP BY segment ORDER BY segment');
    expect(segments).toEqual([
      { segment: 'PROSPECT', n: 1 },
      { segment: 'REGULAR', n: 4 },
      { segment: 'VIP', n: 5 },
    ]);
    const relations = await query(dir, "SELECT table_schema || '.' || table_name AS name, table_type FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY 1");
    expect(relations.map((r) => r.name)).not.toContain('main.order_payments');
    expect(relations).toContainEqual({ name: 'main.stg_orders', table_type: 'VIEW' });
    expect(relations).toContainEqual({ name: 'main.customers', table_type: 'BASE TABLE' });
  });

  it('loads folder configs with and without +, properties, sources, docs blocks and both test keys', async () => {
    const project = await loadDbtProject({ projectDir: await copyProject() });
    const node = (name: string) => {
      const found = project.byName(name) ?? [...project.nodes.values()].find((n) => n.name === name);
      if (!found) throw new Error(`no node ${name}`);
      return found;
    };
    expect(node('stg_orders').config).toMatchObject({ materialized: 'view', tags: ['staging'] });
    expect(node('order_payments').config.materialized).toBe('ephemeral');
    expect(node('customers').config).toMatchObject({ materialized: 'table', tags: ['marts'] });
    expect(node('customer_segments').config).toMatchObject({ materialized: 'view', tags: ['marts', 'segments'] });
    expect(node('order_status_snapshot').config).toMatchObject({ materialized: 'incremental', unique_key: 'order_id', incremental_strategy: 'delete+insert' });
    expect(node('payments_audit').relation).toEqual({ schema: 'main_audit', identifier: 'payments_audit' });
    expect(node('raw_payments').config).toMatchObject({ tags: ['raw'], column_types: { amount: 'integer' } });
    expect(node('customers').description).toBe('One row per customer, with their first and most recent order and their lifetime value.');
    expect(node('stg_orders').sources).toEqual(['source.jaffle.jaffle_raw.orders']);
    expect(project.sources.get('source.jaffle.jaffle_raw.orders')?.relation).toEqual({ schema: 'main', identifier: 'raw_orders' });
    expect(node('customers').dependsOn.sort()).toEqual(['model.jaffle.order_payments', 'model.jaffle.stg_customers', 'model.jaffle.stg_orders']);
    // data_tests: and tests: keys both declare tests; configs come from the test and from data_tests: in dbt_project.yml.
    expect(node('unique_stg_orders_order_id').test).toMatchObject({ name: 'unique', column: 'order_id', attachedTo: 'model.jaffle.stg_orders' });
    expect(node('unique_stg_customers_customer_id').test).toMatchObject({ name: 'unique' });
    expect(node('accepted_values_payments_audit_payment_method__credit_card__bank_transfer').config).toMatchObject({ severity: 'warn', tags: ['audit'] });
    expect(node('assert_no_zero_payments').config).toMatchObject({ severity: 'warn', tags: ['audit'] });
    expect(node('not_null_orders_amount').config.where).toBe("status = 'completed'");
    const tests = [...project.nodes.values()].filter((n) => n.resourceType === 'test');
    expect(tests).toHaveLength(24);
  });

  it('writes compiled SQL to target/compiled like dbt and returns it', async () => {
    const dir = await copyProject();
    const result = await build(dir, { command: 'compile', select: ['orders', 'stg_payments', 'customer_segments', 'unique_orders_order_id'] });
    expect(result.errors).toEqual([]);
    const nodes = byName(result);
    expect(nodes.orders?.compiledPath).toBe('target/compiled/jaffle/models/marts/orders.sql');
    const orders = nodes.orders?.compiledSql ?? '';
    expect(orders).toBe(await readFile(path.join(dir, 'target/compiled/jaffle/models/marts/orders.sql'), 'utf8'));
    // The ephemeral model is merged into the model's own WITH clause; refs are quoted relations.
    expect(orders).toMatch(/^with\n__dbt__cte__order_payments as \(\n/);
    expect(orders).toContain('from "main"."stg_payments"');
    expect(orders).toContain('select * from __dbt__cte__order_payments');
    expect(orders).toContain("sum(case when payment_method = 'gift_card' then amount else 0 end) as gift_card_amount,");
    expect(orders).not.toContain('{{');
    expect(nodes.stg_payments?.compiledSql).toContain('cast(amount / 100.0 as numeric(16, 2)) as amount');
    expect(nodes.stg_payments?.compiledSql).toContain('from "main"."raw_payments"');
    expect(nodes.customer_segments?.compiledSql).toContain("when customer_lifetime_value >= 30 then 'VIP'");
    expect(nodes.unique_orders_order_id?.compiledPath).toBe('target/compiled/jaffle/models/marts/schema.yml/unique_orders_order_id.sql');
    expect(nodes.unique_orders_order_id?.compiledSql).toContain('from "main"."orders"');
    // compile builds nothing.
    const segments = await build(dir, { command: 'compile', select: ['customer_segments'], vars: { vip_threshold: 50 } });
    expect(segments.results[0]?.compiledSql).toContain('>= 50 then');
  });

  it('selects nodes by name, graph operators, tag, path, config and intersections, with --exclude', async () => {
    const dir = await copyProject();
    const ls = async (select: string[], exclude: string[] = []) => names(await build(dir, { command: 'ls', select, exclude }));
    expect(await ls(['stg_orders'])).toEqual(['stg_orders']);
    expect(await ls(['stg_payments+'])).toEqual(['customer_segments', 'customers', 'order_payments', 'orders', 'payments_audit', 'stg_payments']);
    expect(await ls(['+customers'])).toEqual(['customers', 'order_payments', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(names(await build(dir, { command: 'ls', select: ['+customers'] }), 'seed')).toEqual(['raw_customers']);
    expect(await ls(['+customers+'])).toEqual(['customer_segments', 'customers', 'order_payments', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(await ls(['stg_orders+1'])).toEqual(['customers', 'order_status_snapshot', 'orders', 'orders_incremental', 'stg_orders']);
    expect(await ls(['tag:staging'])).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(await ls(['path:models/staging'])).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(await ls(['models/audit'])).toEqual(['payments_audit']);
    expect(await ls(['stg_orders', 'customers'])).toEqual(['customers', 'stg_orders']);
    expect(await ls(['stg_orders customers'])).toEqual(['customers', 'stg_orders']);
    expect(await ls(['config.materialized:incremental'])).toEqual(['order_status_snapshot', 'orders_incremental']);
    expect(await ls(['tag:marts,config.materialized:table'])).toEqual(['customers', 'orders']);
    expect(await ls(['stg_*'])).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(await ls(['tag:marts'], ['config.materialized:incremental', 'customer_segments'])).toEqual(['customers', 'orders']);
    expect(await ls(['source:jaffle_raw.payments+'], ['tag:audit'])).toEqual(['customer_segments', 'customers', 'order_payments', 'orders', 'stg_payments']);
    // Tests follow the models they test, in and out.
    const tests = names(await build(dir, { command: 'ls', select: ['stg_orders'] }), 'test');
    expect(tests).toEqual(['accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned', 'not_null_stg_orders_order_id', 'unique_stg_orders_order_id']);
    const audit = names(await build(dir, { command: 'ls', exclude: ['tag:audit'] }), 'test');
    expect(audit.some((t) => t.includes('payments_audit') || t === 'assert_no_zero_payments')).toBe(false);
    await expect(build(dir, { command: 'ls', select: ['colour:red'] })).rejects.toThrow(/unknown selector method 'colour:'/);
  });

  it('runs an incremental model twice: the second run reads only the new rows; --full-refresh rebuilds it', async () => {
    const dir = await copyProject();
    const first = await build(dir, { command: 'build', exclude: ['tag:audit'] });
    expect(first.errors).toEqual([]);
    await appendFile(path.join(dir, 'seeds/raw_orders.csv'), '16,4,2018-02-02,placed\n17,10,2018-02-03,placed\n');
    const seeded = await build(dir, { command: 'seed', select: ['raw_orders'] });
    expect(byName(seeded).raw_orders).toMatchObject({ status: 'success', rowsAffected: 17 });

    const second = byName(await build(dir, { command: 'run', select: ['orders_incremental', 'order_status_snapshot'] }));
    // Append without a key: exactly the two new orders, read through the is_incremental() filter.
    expect(second.orders_incremental).toMatchObject({ status: 'success', rowsAffected: 2, message: 'inserted 2 rows into main.orders_incremental' });
    expect(second.orders_incremental?.compiledSql).toContain('where order_id > (select max(order_id) from "main"."orders_incremental")');
    // delete+insert by order_id: the last loaded day (order 15) is read again and replaced, not duplicated.
    expect(second.order_status_snapshot).toMatchObject({ status: 'success', rowsAffected: 3, message: 'inserted 3 rows into main.order_status_snapshot (replaced 1 by order_id)' });
    const counts = await query(dir, 'SELECT (SELECT count(*) FROM main.orders_incremental)::INTEGER AS appended, (SELECT count(DISTINCT order_id) FROM main.orders_incremental)::INTEGER AS distinct_appended, (SELECT count(*) FROM main.order_status_snapshot)::INTEGER AS merged');
    expect(counts).toEqual([{ appended: 17, distinct_appended: 17, merged: 17 }]);
    const newest = await query(dir, 'SELECT order_id, customer_id FROM main.orders_incremental WHERE order_id > 15 ORDER BY order_id');
    expect(newest).toEqual([
      { order_id: 16, customer_id: 4 },
      { order_id: 17, customer_id: 10 },
    ]);

    const third = byName(await build(dir, { command: 'run', select: ['orders_incremental'] }));
    expect(third.orders_incremental).toMatchObject({ rowsAffected: 0 });

    const refreshed = byName(await build(dir, { command: 'run', select: ['orders_incremental'], fullRefresh: true }));
    expect(refreshed.orders_incremental).toMatchObject({ status: 'success', rowsAffected: 17, message: 'created incremental table main.orders_incremental (17 rows)' });
    expect(refreshed.orders_incremental?.compiledSql).not.toContain('where order_id >');
  });

  it('reports failing tests with their severity and skips what depends on an error', async () => {
    const dir = await copyProject();
    await writeFile(path.join(dir, 'models/audit/audit_summary.sql'), "select count(*) as payments from {{ ref('payments_audit') }}\n");
    const result = await build(dir, { command: 'build' });
    const nodes = byName(result);
    expect(nodes.accepted_values_payments_audit_payment_method__credit_card__bank_transfer).toMatchObject({ status: 'warn', failures: 2, message: '2 failures (severity warn)' });
    expect(nodes.assert_no_zero_payments).toMatchObject({ status: 'warn', failures: 1 });
    expect(nodes.not_null_payments_audit_nonzero_payment_id).toMatchObject({ status: 'fail', failures: 1, message: '1 failure' });
    // build runs a model's tests before its children: the failing test skips audit_summary.
    expect(nodes.audit_summary).toMatchObject({ status: 'skipped', message: 'skipped: upstream not_null_payments_audit_nonzero_payment_id did not succeed' });
    expect(result.errors).toEqual([{ node: 'not_null_payments_audit_nonzero_payment_id', message: '1 failure' }]);
    expect(nodes.customers?.status).toBe('success');

    // The test command alone runs the tests of what is selected, against what is built.
    const tests = await build(dir, { command: 'test', select: ['tag:audit'] });
    expect(tests.results.map((r) => [r.node, r.status]).sort()).toEqual([
      ['accepted_values_payments_audit_payment_method__credit_card__bank_transfer', 'warn'],
      ['assert_no_zero_payments', 'warn'],
      ['not_null_payments_audit_nonzero_payment_id', 'fail'],
    ]);
  });

  it('renders the Jinja dbt projects use: macros with return(), dispatch, do, dict items, Python string methods, log', async () => {
    const dir = await copyProject();
    await writeFile(
      path.join(dir, 'macros/greet.sql'),
      [
        "{% macro greet(name) %}{{ return(adapter.dispatch('greet')(name)) }}{% endmacro %}",
        "{% macro default__greet(name) %}'hello {{ name }}'{% endmacro %}",
        "{% macro duckdb__greet(name) %}'quack {{ name }}'{% endmacro %}",
        '{% macro generate_alias_name(custom_alias_name=none, node=none) -%}',
        '  {%- if custom_alias_name is none -%}{{ node.name }}{%- else -%}{{ custom_alias_name | trim }}{%- endif -%}',
        '{%- endmacro %}',
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'models/jinja_probe.sql'),
      [
        "{{ config(materialized='table', alias='probe', tags=['probe']) }}",
        '{%- set cols = [] -%}',
        "{%- do cols.append('a') -%}{%- do cols.append('b') -%}",
        "{%- set d = {'x': 1, 'y': 2} -%}",
        'select',
        "  '{{ 'abc'.upper() }}' as up,",
        "  '{{ ', '.join(cols) }}' as joined,",
        "  '{{ \"a,b,c\".split(',') | join('-') }}' as split_join,",
        "  '{{ \"x_y_z\".replace('_', '.') | lower }}' as replaced,",
        "  {{ greet('dbt') }} as greeting,",
        "  '{{ this.schema }}.{{ this.identifier }}' as me,",
        "  '{{ config.get('materialized') }}' as mat,",
        "  '{{ \"%s-%d\" | format('a', 3) }}' as fmt,",
        '  {% for k, v in d.items() %}{{ v }} as {{ k }}{% if not loop.last %},{% endif %}{% endfor %},',
        "  '{{ 'yes' if var('nothing', none) is none else 'no' }}' as none_test,",
        "  '{{ 'in' if 'a' in cols else 'out' }}' as in_test,",
        "  '{{ model.name ~ '/' ~ target.type ~ '/' ~ (run_started_at.strftime('%Y') | length) }}' as names,",
        "  {{ log('probing ' ~ this.identifier, info=True) }}1 as logged",
      ].join('\n'),
    );
    const logs: string[] = [];
    const result = await build(dir, { command: 'run', select: ['jinja_probe'], onLog: (node, message) => logs.push(`${node}: ${message}`) });
    expect(result.errors).toEqual([]);
    expect(byName(result).jinja_probe).toMatchObject({ relation: 'main.probe', message: 'created table main.probe (1 row)' });
    expect(logs).toEqual(['jinja_probe: probing probe']);
    expect(await query(dir, 'SELECT * FROM main.probe')).toEqual([
      {
        up: 'ABC',
        joined: 'a, b',
        split_join: 'a-b-c',
        replaced: 'x.y.z',
        greeting: 'quack dbt',
        me: 'main.probe',
        mat: 'table',
        fmt: 'a-3',
        x: 1,
        y: 2,
        none_test: 'yes',
        in_test: 'in',
        names: 'jinja_probe/duckdb/4',
        logged: 1,
      },
    ]);
  });

  it('names the model file and line of Jinja and SQL errors', async () => {
    const dir = await copyProject();
    const broken = path.join(dir, 'models/broken.sql');

    await writeFile(broken, "select 1 as a\nfrom {{ ref('stg_orders') }\n");
    await expect(build(dir, { command: 'compile' })).rejects.toThrow(/^models\/broken\.sql:2: expected variable end/);

    await writeFile(broken, "select\n    1 as a,\n    {{ no_such_macro('x') }} as b\nfrom {{ ref('stg_orders') }}\n");
    await expect(build(dir, { command: 'compile' })).rejects.toThrow('models/broken.sql:3: Unable to call `no_such_macro`, which is undefined or falsey');

    await writeFile(broken, "select * from {{ ref('stg_order') }}\n");
    await expect(build(dir, { command: 'ls' })).rejects.toThrow("models/broken.sql: ref('stg_order') does not name a model or seed of this project");

    await writeFile(broken, "{{ config(materialized='table') }}\n{% set cols = ['order_id', 'status'] %}\nselect\n    {{ cols | join(', ') }},\n    amout\nfrom {{ ref('stg_orders') }}\n");
    const result = await build(dir, { command: 'build', select: ['+broken', 'raw_orders'] });
    const failed = byName(result).broken;
    expect(failed?.status).toBe('error');
    expect(failed?.message).toMatch(/^models\/broken\.sql:5: Binder Error: Referenced column "amout" not found/);
    expect(result.errors.map((e) => e.node)).toEqual(['broken']);

    await writeFile(broken, "{% for i in range(3) %}\n-- note {{ i }}\n{% endfor %}\nselect\n    order_id,\n    amout\nfrom {{ ref('stg_orders') }}\n");
    const shifted = byName(await build(dir, { command: 'run', select: ['broken'] })).broken;
    expect(shifted?.message).toMatch(/^models\/broken\.sql:6: Binder Error/);
  });

  it('finds profiles.yml through DBT_PROFILES_DIR and opens an absolute DuckDB path', async () => {
    const dir = await copyProject();
    const profiles = await mkdtemp(path.join(os.tmpdir(), 'dd-models-profiles-'));
    copies.push(profiles);
    const database = path.join(profiles, 'warehouse.duckdb');
    await writeFile(path.join(profiles, 'profiles.yml'), `jaffle:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n      path: ${database}\n      schema: "{{ env_var('JAFFLE_SCHEMA', 'main') }}"\n`);
    await rm(path.join(dir, 'profiles.yml'));
    const result = await build(dir, { command: 'seed', select: ['raw_customers'], env: { ...process.env, DBT_PROFILES_DIR: profiles, JAFFLE_SCHEMA: 'raw' } });
    expect(result.target).toEqual({ name: 'local', type: 'duckdb', schema: 'raw' });
    expect(byName(result).raw_customers).toMatchObject({ status: 'success', relation: 'raw.raw_customers', rowsAffected: 10 });
    const db = await DuckDb.create({ path: database });
    const session = await db.session();
    try {
      expect(await session.all('SELECT count(*)::INTEGER AS n FROM raw.raw_customers')).toEqual([{ n: 10 }]);
    } finally {
      session.close();
      db.close();
    }
    await expect(build(dir, { command: 'ls', target: 'prod', env: { ...process.env, DBT_PROFILES_DIR: profiles } })).rejects.toThrow("profile 'jaffle' has no target 'prod' (targets: local)");
  });

  it('refuses a dependency cycle and spells it out', async () => {
    const dir = await copyProject();
    await writeFile(path.join(dir, 'models/cycle_a.sql'), "select * from {{ ref('cycle_b') }}\n");
    await writeFile(path.join(dir, 'models/cycle_b.sql'), "select * from {{ ref('cycle_a') }}\n");
    const error = await build(dir, { command: 'ls' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DAG_INVALID' });
    expect((error as Error).message).toMatch(/dependency cycle between models: cycle_(a|b) -> cycle_(a|b) -> cycle_(a|b) \(models\/cycle_/);
  });

  it('takes --vars over dbt_project.yml vars, and var() defaults and env_var()', async () => {
    const dir = await copyProject();
    await writeFile(path.join(dir, 'models/marts/settings.sql'), "select '{{ var('region', 'eu') }}' as region, '{{ env_var('JAFFLE_TEST_COLOUR', 'none') }}' as colour, '{{ target.name }}' as target_name\n");
    const result = await build(dir, {
      command: 'build',
      select: ['+customer_segments', 'settings', 'raw_orders', 'raw_payments'],
      // Cautious: the relationships test between orders (not selected) and customers stays out.
      indirectSelection: 'cautious',
      vars: { vip_threshold: 40 },
      env: { ...process.env, JAFFLE_TEST_COLOUR: 'teal' },
    });
    expect(result.errors).toEqual([]);
    expect(result.results.map((r) => r.node)).not.toContain('relationships_orders_customer_id__customer_id__ref_customers_');
    expect(result.results.map((r) => r.node)).toContain('unique_customers_customer_id');
    expect(await query(dir, "SELECT count(*)::INTEGER AS n FROM main.customer_segments WHERE segment = 'VIP'")).toEqual([{ n: 2 }]);
    expect(await query(dir, 'SELECT * FROM main.settings')).toEqual([{ region: 'eu', colour: 'teal', target_name: 'dev' }]);
  });
});
