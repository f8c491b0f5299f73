/**
 * `datadog models ...` end to end: the real CLI on a copy of the jaffle fixture project, run with
 * --project-dir and from inside the project folder, with dbt's exit codes (1 a failed node,
 * 2 a project that cannot be read).
 */
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTempDir, removeDir, runCli } from './cli-harness.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/dbt/jaffle');

let dir: string;
let project: string;
let home: string;

beforeAll(async () => {
  dir = await makeTempDir('datadog-cli-models-');
  project = path.join(dir, 'jaffle');
  home = path.join(dir, 'home');
  await cp(FIXTURE, project, { recursive: true });
});

afterAll(async () => {
  await removeDir(dir);
});

describe('datadog models', () => {
  test('build --project-dir runs seeds, models and tests and exits 0 on the happy path', async () => {
    const result = await runCli(['models', 'build', '--project-dir', project, '--exclude', 'tag:audit'], { home });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/^ 1\/32 OK {4}seed raw_customers: loaded seed main\.raw_customers \(10 rows\) \(\d+\.\d\ds\)$/m);
    expect(result.stdout).toMatch(/OK {4}model customers: created table main\.customers \(10 rows\)/);
    expect(result.stdout).toMatch(/PASS {2}test unique_orders_order_id: no failures/);
    expect(result.stdout).toContain('Done. PASS=32 WARN=0 ERROR=0 SKIP=0 TOTAL=32');
  });

  test('build exits 1 when a test with severity error fails, showing warnings and failures', async () => {
    const result = await runCli(['models', 'build', '--select', 'tag:audit'], { home, cwd: project });
    expect(result.code, result.output).toBe(1);
    expect(result.stdout).toMatch(/WARN {2}test assert_no_zero_payments: 1 failure \(severity warn\)/);
    expect(result.stdout).toMatch(/FAIL {2}test not_null_payments_audit_nonzero_payment_id: 1 failure/);
    expect(result.stdout).toContain('Done. PASS=1 WARN=2 ERROR=1 SKIP=0 TOTAL=4');
    expect(result.stdout).toContain('Failures:\n  not_null_payments_audit_nonzero_payment_id: 1 failure');
  });

  test('ls --select tag:x lists the nodes from inside the project folder', async () => {
    const result = await runCli(['models', 'ls', '--select', 'tag:staging', '--resource-type', 'model'], { home, cwd: project });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['jaffle.staging.stg_orders', 'jaffle.staging.stg_payments', 'jaffle.staging.stg_customers']);
    const names = await runCli(['models', 'ls', '-s', 'tag:marts', '--exclude', 'config.materialized:incremental', '--output', 'name', '--resource-type', 'model'], { home, cwd: project });
    expect(names.stdout.trim().split('\n').sort()).toEqual(['customer_segments', 'customers', 'orders']);
  }, 60_000);

  test('run, test, seed and compile work on their own, with --vars and --full-refresh', async () => {
    const seed = await runCli(['models', 'seed', '--project-dir', project], { home });
    expect(seed.code, seed.output).toBe(0);
    expect(seed.stdout).toContain('Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3');
    const run = await runCli(['models', 'run', '--project-dir', project, '-s', '+orders_incremental', '--full-refresh'], { home });
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain('created incremental table main.orders_incremental (15 rows)');
    const tests = await runCli(['models', 'test', '--project-dir', project, '-s', 'stg_orders'], { home });
    expect(tests.code, tests.output).toBe(0);
    expect(tests.stdout).toContain('Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3');
    const compiled = await runCli(['models', 'compile', '--project-dir', project, '-s', 'customer_segments', '--vars', '{vip_threshold: 75}'], { home });
    expect(compiled.code, compiled.output).toBe(0);
    expect(compiled.stdout).toContain("when customer_lifetime_value >= 75 then 'VIP'");
    const json = await runCli(['models', 'run', '--project-dir', project, '-s', 'stg_orders', '--json'], { home });
    expect(json.code, json.output).toBe(0);
    const parsed = JSON.parse(json.stdout) as { results: Array<{ node: string; status: string }>; errors: unknown[] };
    expect(parsed.results.map((r) => [r.node, r.status])).toEqual([['stg_orders', 'success']]);
    expect(parsed.errors).toEqual([]);
  }, 90_000);

  test('exits 1 for a SQL error naming the file and line, and 2 for a project that cannot be read', async () => {
    await writeFile(path.join(project, 'models/broken.sql'), "select\n    order_id,\n    amout\nfrom {{ ref('stg_orders') }}\n");
    const sqlError = await runCli(['models', 'run', '--project-dir', project, '-s', 'broken'], { home });
    expect(sqlError.code, sqlError.output).toBe(1);
    expect(sqlError.stdout).toMatch(/ERROR model broken: models\/broken\.sql:3: Binder Error: Referenced column "amout" not found/);

    await writeFile(path.join(project, 'models/broken.sql'), "select * from {{ ref('stg_orders') }\n");
    const jinja = await runCli(['models', 'run', '--project-dir', project], { home });
    expect(jinja.code, jinja.output).toBe(2);
    expect(jinja.stderr).toContain('error: models/broken.sql:1: expected variable end');

    const missing = await runCli(['models', 'build', '--project-dir', path.join(dir, 'nowhere')], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not a dbt project');
    const badVars = await runCli(['models', 'ls', '--project-dir', project, '--vars', '[1, 2]'], { home });
    expect(badVars.code).toBe(2);
    expect(badVars.stderr).toContain('--vars must be a mapping');
  }, 90_000);
});
