/**
 * The `dbt` task kind through the platform: a pipeline runs the jaffle fixture project, logs one
 * line per node, and the models it built appear as datasets with lineage to what they read.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { createTestPlatform, runSpec, type TestPlatform } from '../helpers/platform.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/dbt/jaffle');

let t: TestPlatform;
let work: string;

beforeAll(async () => {
  t = await createTestPlatform();
  work = await mkdtemp(path.join(os.tmpdir(), 'dd-dbt-task-'));
  await cp(FIXTURE, path.join(work, 'jaffle'), { recursive: true });
});

afterAll(async () => {
  await t.dispose();
  await rm(work, { recursive: true, force: true });
});

async function run(spec: PipelineSpecInput) {
  const result = await runSpec(t.platform, work, spec);
  const logs = await t.platform.store.getLogs({ runId: result.runId, limit: 1000 });
  return { ...result, logs: logs.map((l) => `${l.level} ${l.message}`) };
}

describe('dbt task kind', () => {
  it('builds a dbt project in a pipeline and publishes its models as datasets with lineage', async () => {
    const { run: result, tasks, logs } = await run({
      id: 'jaffle_models',
      tasks: [
        { id: 'models', kind: 'dbt', config: { project_dir: 'jaffle', command: 'build', exclude: 'tag:audit' } },
        {
          id: 'vip_report',
          kind: 'transform',
          depends_on: ['models'],
          inputs: ['customers'],
          outputs: ['vip_customers'],
          config: { steps: [{ filter: 'customer_lifetime_value >= 40' }, { select: ['customer_id', 'first_name'] }] },
        },
      ],
    });
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect(tasks.models?.output).toMatchObject({ command: 'build', project: 'jaffle', target: { name: 'dev', type: 'duckdb' }, counts: { success: 11, pass: 21, error: 0, fail: 0 }, nodes: 32 });
    // One log line per node, then the summary.
    expect(logs.filter((l) => / (SUCCESS|PASS) (seed|model|test) /.test(l))).toHaveLength(32);
    expect(logs.filter((l) => /^info \d+\/32 SUCCESS model customers: created table main\.customers \(10 rows\)$/.test(l))).toHaveLength(1);
    expect(logs.some((l) => l.includes('dbt build on dev (duckdb): success=11 pass=21'))).toBe(true);

    const customers = await t.platform.datasets.preview('customers', { limit: 100 });
    expect(customers.rows).toHaveLength(10);
    expect(customers.columns.map((c) => c.name)).toEqual(['customer_id', 'first_name', 'last_name', 'first_order', 'most_recent_order', 'number_of_orders', 'customer_lifetime_value']);
    expect(customers.rows.find((r) => Number(r.customer_id) === 3)).toMatchObject({ first_name: 'Kathleen', number_of_orders: 2 });
    const published = (tasks.models?.output as { datasets: Array<{ name: string }> }).datasets.map((d) => d.name);
    expect(published).toEqual(expect.arrayContaining(['raw_orders', 'stg_orders', 'customers', 'orders', 'customer_segments', 'orders_incremental']));
    expect(published).not.toContain('order_payments');

    // Lineage: refs, through the ephemeral order_payments, and through a source naming a seed's table.
    const lineage = async (name: string) => (await t.platform.datasets.get(name)).versions[0]?.inputs.map((i) => i.dataset).sort();
    expect(await lineage('customers')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(await lineage('stg_orders')).toEqual(['raw_orders']);
    expect(await lineage('stg_customers')).toEqual(['raw_customers']);
    expect(await lineage('customer_segments')).toEqual(['customers']);
    const detail = await t.platform.datasets.get('customers');
    expect(detail.versions[0]).toMatchObject({ status: 'published', runId: result.id, taskId: 'models', rows: 10, stats: { dbt_node: 'model.jaffle.customers', materialized: 'table' } });
    const upstream = await t.platform.datasets.get('stg_customers');
    expect(detail.versions[0]?.inputs).toContainEqual({ dataset: 'stg_customers', versionId: upstream.versions[0]?.id });

    // A downstream task of the pipeline reads a model's dataset like any other.
    expect(tasks.vip_report?.status).toBe('succeeded');
    const vips = await t.platform.datasets.preview('vip_customers', { limit: 100 });
    expect(vips.rows.map((r) => Number(r.customer_id)).sort((a, b) => a - b)).toEqual([1, 3]);
  });

  it('fails the task when a test with severity error fails, naming the node', async () => {
    const { run: result, tasks, logs } = await run({
      id: 'jaffle_audit',
      tasks: [{ id: 'audit', kind: 'dbt', config: { project_dir: './jaffle', command: 'build', select: ['tag:audit'] } }],
    });
    expect(result.status).toBe('failed');
    expect(tasks.audit?.status).toBe('failed');
    expect(tasks.audit?.error).toContain('1 dbt node(s) failed; first: not_null_payments_audit_nonzero_payment_id: 1 failure');
    expect(logs).toContain('warn 2/4 WARN test assert_no_zero_payments: 1 failure (severity warn)');
    expect(logs).toContain('error 4/4 FAIL test not_null_payments_audit_nonzero_payment_id: 1 failure');
    // Nothing of a failed task is published.
    await expect(t.platform.datasets.get('payments_audit')).rejects.toThrow(/not found/);
  });

  it('rejects an invalid config when the pipeline is registered', async () => {
    await expect(
      t.platform.registerSpec({ id: 'bad_dbt', tasks: [{ id: 'm', kind: 'dbt', config: { project_dir: 'jaffle', command: 'docs' } }] }, { sourcePath: path.join(work, 'bad.yaml') }),
    ).rejects.toThrow(/command/);
  });
});
