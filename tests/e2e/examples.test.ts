/**
 * The example pipelines run end to end through the real CLI. Each runs from a copy in a temp
 * folder, so the files they write land there rather than in the repository.
 */
import { copyFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { makeTempDir, removeDir, REPO_ROOT, runCli } from './cli-harness.ts';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('datadog-examples-');
});
afterAll(() => removeDir(dir));

async function example(name: string): Promise<string> {
  const target = path.join(dir, name);
  await copyFile(path.join(REPO_ROOT, 'examples', name), target);
  return target;
}

describe('example pipelines', () => {
  it('runs the five-stage demo and exports Parquet and CSV under data/output', async () => {
    const home = path.join(dir, 'home-demo');
    const result = await runCli(['pipeline', 'run', await example('demo-pipeline.yaml'), '--wait'], { home, timeoutMs: 120_000 });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/8 succeeded/);
    const csv = await readFile(path.join(dir, 'data', 'output', 'daily_metrics.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('event_day,user_country,events,users,revenue,avg_session_s,p90_scroll');
    const total = csv.trim().split('\n').slice(1).reduce((sum, line) => sum + Number(line.split(',')[2]), 0);
    expect(total).toBe(10_000);
    expect((await readdir(path.join(dir, 'data', 'output', 'enriched_events'))).every((d) => d.startsWith('event_day='))).toBe(true);
    const preview = await runCli(['dataset', 'list', '--json'], { home });
    if (preview.code === 0) expect(preview.stdout).toMatch(/enriched_events/);
  });

  it('runs the hello and TypeScript examples', async () => {
    const home = path.join(dir, 'home-hello');
    const hello = await runCli(['pipeline', 'run', path.join(REPO_ROOT, 'examples', 'hello.yaml'), '--wait'], { home });
    expect(hello.code, hello.output).toBe(0);
    const ts = await runCli(['pipeline', 'run', path.join(REPO_ROOT, 'examples', 'simple_pipeline.ts'), '--param', 'multiplier=5', '--wait', '--logs'], { home });
    expect(ts.code, ts.output).toBe(0);
    expect(ts.output).toMatch(/sum of scaled numbers: 275/);
  });
});

const skipPostgres = skipWithoutService('PostgreSQL', await isPostgresReachable());
describe.skipIf(skipPostgres)('example pipeline on Postgres', () => {
  let db: TestPostgresDatabase;
  beforeAll(async () => {
    db = await createTestPostgresDatabase('dd_test_examples');
  });
  afterAll(() => db?.drop());

  it('reads orders from Postgres, transforms them, and loads a Postgres table and Parquet', async () => {
    const home = path.join(dir, 'home-pg');
    const result = await runCli(['pipeline', 'run', await example('pipeline_config.yaml'), '--wait'], { home, env: { DEMO_DATABASE_URL: db.url }, timeoutMs: 120_000 });
    expect(result.code, result.output).toBe(0);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const orders = await client.query<{ n: string }>('select count(*) as n from orders');
      expect(Number(orders.rows[0]?.n)).toBe(2000);
      const revenue = await client.query<{ orders: string }>('select sum(orders) as orders from revenue_by_country');
      const purchases = await client.query<{ n: string }>("select count(*) as n from orders where event_type = 'purchase' and amount > 0");
      expect(Number(revenue.rows[0]?.orders)).toBe(Number(purchases.rows[0]?.n));
    } finally {
      await client.end();
    }
    expect((await readdir(path.join(dir, 'data', 'output', 'orders_clean'))).length).toBeGreaterThan(0);
  });
});
