/**
 * Distributed execution against raw BullMQ, on the real Redis and Postgres:
 *
 * - raw BullMQ in this process: no-op jobs at concurrency 1 and at CONCURRENCY, and the
 *   per-hop latency of a chain (job k+1 added when job k completes) at CONCURRENCY, like the
 *   platform's chain, and at 1;
 * - the platform: a distributed-executor platform (Postgres store) dispatching a wide DAG of
 *   no-op tasks onto 1, 2 and 4 real `datadog worker` processes whose concurrencies add up to
 *   CONCURRENCY, a chain of no-op tasks (per-dependency-hop latency), and CPU-bound shell tasks
 *   on 1, 2 and 4 workers of concurrency 1 (on one 2-core machine, expect them to stop scaling
 *   at 2: the workers share the cores; on separate machines each brings its own).
 *
 * Prints a table and the ratios to raw BullMQ, with the CPU each no-op task costs the server,
 * the workers, Redis and Postgres (read from /proc), and writes bench/results/distributed.json. The
 * benchmark makes its own database and Redis prefix and removes them, and stops every worker,
 * also when it fails. DD_BENCH_QUICK=1 runs smaller sizes (for trying the benchmark out).
 */
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { writeResult } from '../write-result.ts';
import { openDeployment, type OpenedDeployment } from './bench-deployment.ts';
import { bullmqChain, bullmqThroughput } from './bullmq-baseline.ts';
import { commandCpuMs, cpuPerUnit, ownCpuMs, processCpuMs, sumOf } from './cpu-meter.ts';
import { CPU_COMMAND, chainNoops, cpuShells, registered, timedRun, wideNoops } from './platform-runs.ts';
import { WorkerProcesses } from './worker-processes.ts';

const QUICK = process.env.DD_BENCH_QUICK === '1';
/** Total concurrency on both sides: divisible by 1, 2 and 4, so every worker count gets exactly this total. */
const CONCURRENCY = 48;
const WORKER_COUNTS = [1, 2, 4] as const;
const SIZES = QUICK
  ? { jobs: 1000, bullmqHops: 100, wide: 400, chain: 50, cpu: 8 }
  : { jobs: 5000, bullmqHops: 500, wide: 2000, chain: 200, cpu: 24 };

const round = (n: number, digits = 1): number => +n.toFixed(digits);

interface WideFigure {
  workers: number;
  concurrency_per_worker: number;
  total_concurrency: number;
  tasks: number;
  ms: number;
  tasks_per_s: number;
  workers_used: number;
  attempts_without_worker: number;
  /** CPU microseconds per task: this process (the server), the workers, Redis, Postgres, total. */
  cpu_us_per_task: Record<string, number | null>;
}

interface CpuFigure {
  workers: number;
  concurrency_per_worker: number;
  tasks: number;
  ms: number;
  tasks_per_s: number;
  speedup_vs_1_worker: number;
  workers_used: number;
}

async function main(): Promise<void> {
  const began = performance.now();
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  console.log(`${os.cpus().length} cores, load average ${loadBefore.join(' ')}; concurrency ${CONCURRENCY}${QUICK ? ' (quick sizes)' : ''}`);
  let deployment: OpenedDeployment | undefined;
  let workers: WorkerProcesses | undefined;
  let platform: Platform | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaning ??= (async () => {
      await workers?.stopAll().catch((error: unknown) => console.error(`could not stop the workers: ${(error as Error).message}`));
      await platform?.close().catch((error: unknown) => console.error(`could not close the platform: ${(error as Error).message}`));
      await deployment?.close();
    })());
  // Interrupted: still stop the workers and drop the database before leaving.
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    deployment = await openDeployment();
    const d = deployment;
    const procs = new WorkerProcesses(d);
    workers = procs;

    // ---- raw BullMQ ---------------------------------------------------------------------
    const raw = { redisUrl: d.redisUrl, prefix: `${d.prefix}-raw` };
    // Both sides are warmed (JIT, connections, caches) on a run the size of the measured one.
    await bullmqThroughput({ ...raw, name: 'warmup', jobs: SIZES.jobs, concurrency: CONCURRENCY });
    const bullmqC1 = await bullmqThroughput({ ...raw, name: 'noop-c1', jobs: SIZES.jobs, concurrency: 1 });
    console.log(`bullmq: ${SIZES.jobs} jobs at concurrency 1: ${round(bullmqC1.jobsPerSecond, 0)} jobs/s`);
    const redisCpu = () => commandCpuMs('redis-server');
    const { result: bullmqCn, usPerUnit: bullmqCpu } = await cpuPerUnit({ process: ownCpuMs, redis: redisCpu }, SIZES.jobs, () =>
      bullmqThroughput({ ...raw, name: `noop-c${CONCURRENCY}`, jobs: SIZES.jobs, concurrency: CONCURRENCY }),
    );
    console.log(`bullmq: ${SIZES.jobs} jobs at concurrency ${CONCURRENCY}: ${round(bullmqCn.jobsPerSecond, 0)} jobs/s; CPU µs per job ${JSON.stringify(bullmqCpu)}`);
    // The platform's chain runs on a worker of concurrency CONCURRENCY: the baseline's too.
    const bullmqHop = await bullmqChain({ ...raw, name: `chain-c${CONCURRENCY}`, hops: SIZES.bullmqHops, concurrency: CONCURRENCY });
    const bullmqHopC1 = await bullmqChain({ ...raw, name: 'chain-c1', hops: SIZES.bullmqHops, concurrency: 1 });
    console.log(`bullmq: chain of ${SIZES.bullmqHops}: ${round(bullmqHop.hopMs, 2)} ms per hop at concurrency ${CONCURRENCY}, ${round(bullmqHopC1.hopMs, 2)} ms at concurrency 1`);

    // ---- the platform -------------------------------------------------------------------
    platform = await createPlatform({
      home: path.join(d.dir, 'server'),
      databaseUrl: d.databaseUrl,
      executorKind: 'distributed',
      redisUrl: d.redisUrl,
      queuePrefix: d.prefix,
      storageUrl: d.storageUrl,
      logger: createLogger({ level: 'silent', pretty: false }),
    });
    // Every worker set starts at once, up front (starting a worker costs seconds of CPU here),
    // each on pools of its own: `wide-N` for the N workers of concurrency CONCURRENCY / N, and
    // `cpu-N` served by the first N of four workers of concurrency 1 (a worker's concurrency holds
    // per pool, and one cpu pool is busy at a time). Idle sets only block on Redis.
    const t0 = performance.now();
    const wideSets = WORKER_COUNTS.map((count) => procs.start({ count, concurrency: CONCURRENCY / count, pools: `wide-${count}` }));
    const cpuWorkers = Promise.all(
      Array.from({ length: Math.max(...WORKER_COUNTS) }, (_, i) =>
        procs.start({ count: 1, concurrency: 1, pools: WORKER_COUNTS.filter((n) => n > i).map((n) => `cpu-${n}`).join(',') }),
      ),
    );
    const [sets] = await Promise.all([Promise.all(wideSets), cpuWorkers]);
    const started = sets.reduce((n, set) => n + set.length, 0) + Math.max(...WORKER_COUNTS);
    console.log(`platform: ${started} workers ready in ${round((performance.now() - t0) / 1000)} s`);

    const wide: WideFigure[] = [];
    let chain: { ms: number; hopMs: number } | undefined;
    for (const [index, count] of WORKER_COUNTS.entries()) {
      const pool = `wide-${count}`;
      const perWorker = CONCURRENCY / count;
      // Warms the workers (JIT, connections, the store's caches) and the server on a run of the
      // same size first. The server's first runs are its first ever: its code (far more than raw
      // BullMQ's) is still being optimised, so it warms up on a second run too (measured: about
      // 40% more server CPU per task in the second run than in later ones).
      for (let warm = 0; warm < (index === 0 ? 2 : 1); warm++) await timedRun(platform, await registered(platform, wideNoops(`bench_warmup_${count}_${warm}`, SIZES.wide, pool)));
      const set = sets[index] ?? [];
      const parts = { server: ownCpuMs, workers: sumOf(set.map((w) => () => processCpuMs(w.child.pid ?? -1))), redis: redisCpu, postgres: () => commandCpuMs('postgres') };
      const measured = await registered(platform, wideNoops(`bench_wide_${count}`, SIZES.wide, pool));
      const { result: run, usPerUnit } = await cpuPerUnit(parts, SIZES.wide, () => timedRun(platform as Platform, measured));
      const figure: WideFigure = {
        workers: count,
        concurrency_per_worker: perWorker,
        total_concurrency: CONCURRENCY,
        tasks: run.tasks,
        ms: round(run.ms, 0),
        tasks_per_s: round((run.tasks * 1000) / run.ms, 0),
        workers_used: run.workers,
        attempts_without_worker: run.unattributed,
        cpu_us_per_task: usPerUnit,
      };
      wide.push(figure);
      console.log(`platform: wide DAG of ${run.tasks} no-op tasks on ${count} worker(s) x ${perWorker}: ${figure.tasks_per_s} tasks/s (${run.workers} worker(s) used); CPU µs per task ${JSON.stringify(usPerUnit)}`);
      if (count === 1) {
        const c = await timedRun(platform, await registered(platform, chainNoops(`bench_chain_${SIZES.chain}`, SIZES.chain, pool)));
        chain = { ms: c.ms, hopMs: c.ms / SIZES.chain };
        console.log(`platform: chain of ${SIZES.chain} no-op tasks: ${round(chain.hopMs, 2)} ms per hop`);
      }
      await procs.stop(sets[index] ?? []);
    }

    // CPU-bound: the same shell tasks on 1, 2 and 4 workers of concurrency 1.
    const cpu: CpuFigure[] = [];
    for (const count of WORKER_COUNTS) {
      const run = await timedRun(platform, await registered(platform, cpuShells(`bench_cpu_${count}`, SIZES.cpu, `cpu-${count}`)));
      const tasksPerSecond = (run.tasks * 1000) / run.ms;
      cpu.push({
        workers: count,
        concurrency_per_worker: 1,
        tasks: run.tasks,
        ms: round(run.ms, 0),
        tasks_per_s: round(tasksPerSecond, 2),
        speedup_vs_1_worker: round(cpu.length ? tasksPerSecond / (cpu[0] as CpuFigure).tasks_per_s : 1, 2),
        workers_used: run.workers,
      });
      console.log(`platform: ${run.tasks} CPU-bound shell tasks on ${count} worker(s) x 1: ${round(run.ms / 1000, 2)} s (${run.workers} worker(s) used)`);
    }
    await procs.stopAll();

    // ---- report -------------------------------------------------------------------------
    const atEqual = wide[0] as WideFigure;
    const hopMs = (chain as { hopMs: number }).hopMs;
    console.table([
      { measure: `no-op throughput, concurrency ${CONCURRENCY}`, bullmq: `${round(bullmqCn.jobsPerSecond, 0)} jobs/s`, platform: `${atEqual.tasks_per_s} tasks/s (1 worker x ${CONCURRENCY})`, platform_to_bullmq: round(atEqual.tasks_per_s / bullmqCn.jobsPerSecond, 3) },
      ...wide.slice(1).map((w) => ({ measure: `  ${w.workers} workers x ${w.concurrency_per_worker}`, bullmq: '', platform: `${w.tasks_per_s} tasks/s`, platform_to_bullmq: round(w.tasks_per_s / bullmqCn.jobsPerSecond, 3) })),
      { measure: 'no-op throughput, concurrency 1', bullmq: `${round(bullmqC1.jobsPerSecond, 0)} jobs/s`, platform: '', platform_to_bullmq: '' },
      { measure: `per-hop latency of a chain, concurrency ${CONCURRENCY}`, bullmq: `${round(bullmqHop.hopMs, 2)} ms`, platform: `${round(hopMs, 2)} ms`, platform_to_bullmq: round(hopMs / bullmqHop.hopMs, 1) },
      ...cpu.map((c) => ({ measure: `${c.tasks} CPU tasks, ${c.workers} worker(s) x 1`, bullmq: '', platform: `${round(c.ms / 1000, 2)} s (${c.speedup_vs_1_worker}x)`, platform_to_bullmq: '' })),
    ]);
    const loadAfter = os.loadavg().map((l) => round(l, 2));
    const result = {
      tasks_per_s: atEqual.tasks_per_s,
      bullmq_jobs_per_s: round(bullmqCn.jobsPerSecond, 0),
      hop_ms: round(hopMs, 2),
      bullmq_hop_ms: round(bullmqHop.hopMs, 2),
      concurrency: CONCURRENCY,
      throughput_ratio_to_bullmq: round(atEqual.tasks_per_s / bullmqCn.jobsPerSecond, 3),
      hop_ratio_to_bullmq: round(hopMs / bullmqHop.hopMs, 1),
      cpu_us_per_task: atEqual.cpu_us_per_task,
      bullmq_cpu_us_per_job: bullmqCpu,
      bullmq: {
        jobs: SIZES.jobs,
        jobs_per_s_concurrency_1: round(bullmqC1.jobsPerSecond, 0),
        [`cpu_us_per_job_concurrency_${CONCURRENCY}`]: bullmqCpu,
        [`jobs_per_s_concurrency_${CONCURRENCY}`]: round(bullmqCn.jobsPerSecond, 0),
        chain_hops: SIZES.bullmqHops,
        [`hop_ms_concurrency_${CONCURRENCY}`]: round(bullmqHop.hopMs, 2),
        hop_ms_concurrency_1: round(bullmqHopC1.hopMs, 2),
      },
      platform: {
        store: 'postgres',
        wide_no_op: wide,
        chain: { tasks: SIZES.chain, ms: round((chain as { ms: number }).ms, 0), hop_ms: round(hopMs, 2), workers: 1, concurrency_per_worker: CONCURRENCY },
        cpu_bound: { command: CPU_COMMAND, runs: cpu },
      },
      setup:
        `server platform in this process; ${Math.max(...WORKER_COUNTS) + WORKER_COUNTS.reduce((a, b) => a + b, 0)} worker processes started up front on separate pools ` +
        '(idle sets stay up until their turn); one machine runs the server, the workers, Postgres and Redis',
      quick: QUICK,
      load_average: { before: loadBefore, after: loadAfter },
      wall_s: round((performance.now() - began) / 1000),
    };
    console.log(
      `at concurrency ${CONCURRENCY}: platform ${result.tasks_per_s} tasks/s vs raw BullMQ ${result.bullmq_jobs_per_s} jobs/s (${result.throughput_ratio_to_bullmq}x); ` +
        `hop ${result.hop_ms} ms vs ${result.bullmq_hop_ms} ms (${result.hop_ratio_to_bullmq}x); ` +
        `CPU per task ${atEqual.cpu_us_per_task.total ?? '?'} µs (server ${atEqual.cpu_us_per_task.server ?? '?'}, worker ${atEqual.cpu_us_per_task.workers ?? '?'}, ` +
        `Redis ${atEqual.cpu_us_per_task.redis ?? '?'}, Postgres ${atEqual.cpu_us_per_task.postgres ?? '?'}) vs ${bullmqCpu.total ?? '?'} µs per raw job; ` +
        `wall ${result.wall_s} s, load ${loadAfter.join(' ')}`,
    );
    await writeResult('distributed', result);
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
