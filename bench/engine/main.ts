/**
 * Engine overhead: 10,000 no-op tasks in a wide DAG and a 1,000-task chain, through the real
 * engine with the SQLite store and with Postgres, against a bare in-process Promise scheduler
 * running the same DAGs in the same process. Prints microseconds of overhead per task and the
 * ratio, and writes bench/results/engine.json.
 *
 * Postgres: TEST_DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres);
 * the benchmark creates and drops its own database. Skipped with a note when unreachable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform } from '../../src/platform.ts';
import { writeResult } from '../write-result.ts';

interface Shape {
  name: string;
  tasks: Array<{ id: string; depends_on: string[] }>;
}

function wideShape(width: number): Shape {
  const middle = Array.from({ length: width - 2 }, (_, i) => ({ id: `w${i}`, depends_on: ['root'] }));
  return { name: `wide_${width}`, tasks: [{ id: 'root', depends_on: [] }, ...middle, { id: 'sink', depends_on: middle.map((t) => t.id) }] };
}

function chainShape(length: number): Shape {
  return { name: `chain_${length}`, tasks: Array.from({ length }, (_, i) => ({ id: `c${i}`, depends_on: i === 0 ? [] : [`c${i - 1}`] })) };
}

/** The baseline: the same DAG run by the simplest correct Promise scheduler. */
async function bareScheduler(shape: Shape): Promise<number> {
  const started = performance.now();
  const downstream = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const task of shape.tasks) {
    waiting.set(task.id, task.depends_on.length);
    for (const dep of task.depends_on) (downstream.get(dep) ?? downstream.set(dep, []).get(dep))?.push(task.id);
  }
  await new Promise<void>((resolve) => {
    let left = shape.tasks.length;
    const run = (id: string): void => {
      void Promise.resolve().then(() => {
        if (--left === 0) resolve();
        for (const down of downstream.get(id) ?? []) {
          const n = (waiting.get(down) ?? 1) - 1;
          waiting.set(down, n);
          if (n === 0) run(down);
        }
      });
    };
    for (const task of shape.tasks) if (task.depends_on.length === 0) run(task.id);
  });
  return performance.now() - started;
}

async function engineRun(shape: Shape, databaseUrl: string | undefined): Promise<number> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'dd-bench-'));
  const platform = await createPlatform({ home, logger: createLogger({ level: 'silent', pretty: false }), concurrency: 64, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    const spec: PipelineSpecInput = { id: `bench_${shape.name}`, tasks: shape.tasks.map((t) => ({ id: t.id, kind: 'noop', depends_on: t.depends_on })) };
    await platform.registerSpec(spec);
    const started = performance.now();
    const run = await platform.triggerRun(spec.id);
    const done = await platform.waitForRun(run.id);
    const elapsed = performance.now() - started;
    if (done.status !== 'succeeded') throw new Error(`bench run ${done.status}: ${done.error}`);
    return elapsed;
  } finally {
    await platform.close();
    await rm(home, { recursive: true, force: true });
  }
}

async function withPostgres<T>(fn: (url: string | undefined) => Promise<T>): Promise<T> {
  const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `dd_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  try {
    await client.connect();
  } catch (error) {
    console.log(`postgres unreachable at ${admin} (${(error as Error).message}); skipping the Postgres figures`);
    return fn(undefined);
  }
  await client.query(`drop database if exists ${name}`);
  await client.query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const shapes = [wideShape(10_000), chainShape(1_000)];
  const rows: Array<Record<string, string | number>> = [];
  const perTask: Record<'sqlite' | 'postgres' | 'baseline', number[]> = { sqlite: [], postgres: [], baseline: [] };

  await withPostgres(async (pgUrl) => {
    for (const shape of shapes) {
      await engineRun(shape, undefined); // warm-up: module loading, JIT
      const baselineMs = await bareScheduler(shape);
      const sqliteMs = await engineRun(shape, undefined);
      const postgresMs = pgUrl ? await engineRun(shape, pgUrl) : NaN;
      const n = shape.tasks.length;
      perTask.baseline.push((baselineMs * 1000) / n);
      perTask.sqlite.push((sqliteMs * 1000) / n);
      if (pgUrl) perTask.postgres.push((postgresMs * 1000) / n);
      rows.push({
        shape: shape.name,
        tasks: n,
        baseline_ms: +baselineMs.toFixed(1),
        sqlite_ms: +sqliteMs.toFixed(1),
        postgres_ms: pgUrl ? +postgresMs.toFixed(1) : 'n/a',
        sqlite_us_per_task: +((sqliteMs * 1000) / n).toFixed(1),
        postgres_us_per_task: pgUrl ? +((postgresMs * 1000) / n).toFixed(1) : 'n/a',
      });
    }
  });
  console.table(rows);
  const result = {
    sqlite_us_per_task: +median(perTask.sqlite).toFixed(1),
    postgres_us_per_task: perTask.postgres.length ? +median(perTask.postgres).toFixed(1) : null,
    baseline_us_per_task: +median(perTask.baseline).toFixed(2),
    sqlite_ratio_to_baseline: +(median(perTask.sqlite) / median(perTask.baseline)).toFixed(1),
    postgres_ratio_to_baseline: perTask.postgres.length ? +(median(perTask.postgres) / median(perTask.baseline)).toFixed(1) : null,
    shapes: rows,
    aims: { sqlite_us_per_task: 200, postgres_us_per_task: 1000 },
  };
  console.log(
    `engine overhead per task: sqlite ${result.sqlite_us_per_task} us, postgres ${result.postgres_us_per_task ?? 'n/a'} us, ` +
      `bare Promise scheduler ${result.baseline_us_per_task} us (ratio sqlite ${result.sqlite_ratio_to_baseline}x)`,
  );
  await writeResult('engine', result);
}

await main();
