/**
 * Ingest throughput, memory and compression, three measurements in one run:
 *
 * - file path: one million generated nested events in NDJSON (written once); a platform
 *   pipeline (file source, flatten, date-partitioned zstd Parquet sink) ingests them, and raw
 *   DuckDB SQL does the same from the same file. Both rates and the ratio. The pipeline runs
 *   twice: with its two intermediate datasets written as Parquet tables (the default), and
 *   kept as views (`materialize: view`: the sink reads the file through them). Raw DuckDB also
 *   does what the table run does (two intermediate zstd Parquet files, then the output), the
 *   like-for-like baseline of the default.
 * - Each figure is the median of INGEST_REPEATS runs (default 3), after one raw run that warms
 *   the file cache, taken in turns so that a slow spell of the machine hits all of them.
 * - generator path: a pipeline whose source is the generator itself, to Parquet.
 * - memory: the file path at ten million events in a child process, its peak RSS (the events
 *   file is written by this process first); and the compression ratio (NDJSON bytes / Parquet
 *   bytes).
 *
 * INGEST_EVENTS and INGEST_MEMORY_EVENTS override the sizes (for a quick run).
 * Writes bench/results/ingest.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { quoteLiteral } from '../../src/engine/sql-quote.ts';
import { writeResult } from '../write-result.ts';
import { directoryBytes, FLAT_EVENT_SELECT, runFilePipeline, runGeneratorPipeline, writeEventsFile } from './ingest-pipelines.ts';

const EVENTS = Number(process.env.INGEST_EVENTS ?? 1_000_000);
const MEMORY_EVENTS = Number(process.env.INGEST_MEMORY_EVENTS ?? 10_000_000);
const REPEATS = Math.max(1, Number(process.env.INGEST_REPEATS ?? 3));

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Milliseconds raw DuckDB SQL takes to run `statements` in turn, in a database of its own. */
async function timedRawSql(memoryLimit: string, statements: string[]): Promise<number> {
  const duck = await DuckDb.create({ memoryLimit });
  const session = await duck.session();
  try {
    const started = performance.now();
    for (const statement of statements) await session.run(statement);
    return performance.now() - started;
  } finally {
    session.close();
    duck.close();
  }
}

const PARTITIONED_ZSTD = 'FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date), OVERWRITE_OR_IGNORE true';

/** Raw DuckDB SQL doing the file path in one statement: the file, flattened, to the partitioned output. */
function rawDuckDb(file: string, outDir: string, memoryLimit: string): Promise<number> {
  return timedRawSql(memoryLimit, [`COPY (${FLAT_EVENT_SELECT} FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited')) TO ${quoteLiteral(outDir)} (${PARTITIONED_ZSTD})`]);
}

/**
 * Raw DuckDB SQL doing what the default pipeline does: the file to a zstd Parquet file, that
 * flattened to another, that to the date-partitioned output. The baseline of the table path,
 * whose two intermediate datasets are such writes.
 */
async function rawDuckDbStaged(file: string, outDir: string, memoryLimit: string): Promise<number> {
  const raw = `${outDir}-raw.parquet`;
  const flat = `${outDir}-flat.parquet`;
  try {
    return await timedRawSql(memoryLimit, [
      `COPY (SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited')) TO ${quoteLiteral(raw)} (FORMAT parquet, COMPRESSION zstd)`,
      `COPY (${FLAT_EVENT_SELECT} FROM read_parquet(${quoteLiteral(raw)})) TO ${quoteLiteral(flat)} (FORMAT parquet, COMPRESSION zstd)`,
      `COPY (SELECT * FROM read_parquet(${quoteLiteral(flat)})) TO ${quoteLiteral(outDir)} (${PARTITIONED_ZSTD})`,
    ]);
  } finally {
    await rm(raw, { force: true });
    await rm(flat, { force: true });
  }
}

interface MemoryFigures {
  peakRssMiB: number;
  startRssMiB: number;
  seconds: number;
  ndjsonBytes: number;
  parquetBytes: number;
}

/** Writes the events file here, then runs the pipeline over it in a child process (memory-run.ts). */
async function memoryRun(work: string, events: number): Promise<MemoryFigures> {
  const file = path.join(work, 'memory-events.ndjson');
  const written = await writeEventsFile(file, events, 3);
  try {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-run.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, file, String(events)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`memory run failed (exit ${child.status})`);
    const line = child.stdout.trim().split('\n').pop() ?? '{}';
    return { ...(JSON.parse(line) as Omit<MemoryFigures, 'ndjsonBytes'>), ndjsonBytes: written.bytes };
  } finally {
    await rm(file, { force: true });
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'dd-bench-ingest-'));
  try {
    const file = path.join(work, 'events.ndjson');
    const written = await writeEventsFile(file, EVENTS);
    console.log(`wrote ${EVENTS.toLocaleString()} events (${(written.bytes / 2 ** 20).toFixed(0)} MiB NDJSON) in ${(written.ms / 1000).toFixed(2)} s`);

    await rawDuckDb(file, path.join(work, 'raw-warmup'), '1GB');
    const times = { raw: [] as number[], rawStaged: [] as number[], table: [] as number[], view: [] as number[], generator: [] as number[] };
    let tableRun: Awaited<ReturnType<typeof runFilePipeline>> | undefined;
    let viewRun: Awaited<ReturnType<typeof runFilePipeline>> | undefined;
    for (let rep = 0; rep < REPEATS; rep++) {
      times.raw.push(await rawDuckDb(file, path.join(work, `raw-out-${rep}`), '1GB'));
      times.rawStaged.push(await rawDuckDbStaged(file, path.join(work, `raw-staged-out-${rep}`), '1GB'));
      tableRun = await runFilePipeline({ work, file, memoryLimit: '1GB', id: `file_table_${rep}` });
      times.table.push(tableRun.ms);
      viewRun = await runFilePipeline({ work, file, memoryLimit: '1GB', id: `file_view_${rep}`, materialize: 'view' });
      times.view.push(viewRun.ms);
      times.generator.push((await runGeneratorPipeline({ work, events: EVENTS, memoryLimit: '1GB', id: `generator_${rep}` })).ms);
      console.log(`round ${rep + 1}/${REPEATS}: raw ${(times.raw.at(-1)! / 1000).toFixed(2)} s, raw staged ${(times.rawStaged.at(-1)! / 1000).toFixed(2)} s, tables ${(tableRun.ms / 1000).toFixed(2)} s, views ${(viewRun.ms / 1000).toFixed(2)} s, generator ${(times.generator.at(-1)! / 1000).toFixed(2)} s`);
    }
    const rawMs = median(times.raw);
    const rawStagedMs = median(times.rawStaged);
    const platform = { ms: median(times.table), rows: tableRun?.rows ?? 0, outputBytes: tableRun?.outputBytes ?? 0 };
    const viewMs = median(times.view);
    const generatorMs = median(times.generator);
    const rawBytes = await directoryBytes(path.join(work, 'raw-out-0'));

    const platformRate = EVENTS / (platform.ms / 1000);
    const viewRate = EVENTS / (viewMs / 1000);
    const duckRate = EVENTS / (rawMs / 1000);
    const generatorRate = EVENTS / (generatorMs / 1000);
    console.table([
      { path: 'file: platform pipeline, tables', seconds: +(platform.ms / 1000).toFixed(2), events_per_s: Math.round(platformRate), x_raw_time: +(platform.ms / rawMs).toFixed(2) },
      { path: 'file: platform pipeline, views', seconds: +(viewMs / 1000).toFixed(2), events_per_s: Math.round(viewRate), x_raw_time: +(viewMs / rawMs).toFixed(2) },
      { path: 'file: raw DuckDB SQL', seconds: +(rawMs / 1000).toFixed(2), events_per_s: Math.round(duckRate), x_raw_time: 1 },
      { path: 'file: raw DuckDB SQL, staged like tables', seconds: +(rawStagedMs / 1000).toFixed(2), events_per_s: Math.round(EVENTS / (rawStagedMs / 1000)), x_raw_time: +(rawStagedMs / rawMs).toFixed(2) },
      { path: 'generator: platform pipeline', seconds: +(generatorMs / 1000).toFixed(2), events_per_s: Math.round(generatorRate), x_raw_time: '' },
    ]);
    if (platform.rows !== EVENTS || viewRun?.rows !== EVENTS) throw new Error(`platform pipelines wrote ${platform.rows} and ${viewRun?.rows} rows, expected ${EVENTS}`);

    console.log(`memory run: the file path at ${MEMORY_EVENTS.toLocaleString()} events in a child process...`);
    const memory = await memoryRun(work, MEMORY_EVENTS);
    const result = {
      events: EVENTS,
      platform_events_per_s: Math.round(platformRate),
      duckdb_events_per_s: Math.round(duckRate),
      platform_to_duckdb_ratio: +(rawMs / platform.ms).toFixed(3),
      platform_slowdown_x: +(platform.ms / rawMs).toFixed(2),
      platform_view_events_per_s: Math.round(viewRate),
      platform_view_slowdown_x: +(viewMs / rawMs).toFixed(2),
      duckdb_staged_events_per_s: Math.round(EVENTS / (rawStagedMs / 1000)),
      platform_to_duckdb_staged_x: +(platform.ms / rawStagedMs).toFixed(2),
      repeats: REPEATS,
      seconds: { raw: times.raw.map((ms) => +(ms / 1000).toFixed(2)), raw_staged: times.rawStaged.map((ms) => +(ms / 1000).toFixed(2)), tables: times.table.map((ms) => +(ms / 1000).toFixed(2)), views: times.view.map((ms) => +(ms / 1000).toFixed(2)), generator: times.generator.map((ms) => +(ms / 1000).toFixed(2)) },
      generator_events_per_s: Math.round(generatorRate),
      peak_rss_mib_10m: memory.peakRssMiB,
      memory_run_start_rss_mib: memory.startRssMiB,
      memory_run_events: MEMORY_EVENTS,
      memory_run_seconds: memory.seconds,
      compression_ratio: +(memory.ndjsonBytes / memory.parquetBytes).toFixed(2),
      compression_ratio_1m_platform: +(written.bytes / platform.outputBytes).toFixed(2),
      compression_ratio_1m_raw_duckdb: +(written.bytes / rawBytes).toFixed(2),
      aims: { platform_slowdown_x: 1.25, generator_events_per_s: 200_000, peak_rss_mib_10m: 1024, compression_ratio: 8 },
    };
    console.log(
      `file path: platform ${result.platform_events_per_s.toLocaleString()} events/s with tables, ${result.platform_view_events_per_s.toLocaleString()} with views, vs raw DuckDB ${result.duckdb_events_per_s.toLocaleString()} events/s ` +
        `(${result.platform_slowdown_x}x and ${result.platform_view_slowdown_x}x the time; tables ${result.platform_to_duckdb_staged_x}x raw DuckDB staging the same two datasets); generator path ${result.generator_events_per_s.toLocaleString()} events/s; ` +
        `peak RSS at ${MEMORY_EVENTS.toLocaleString()} events ${result.peak_rss_mib_10m} MiB; compression ${result.compression_ratio}:1`,
    );
    await writeResult('ingest', result);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
