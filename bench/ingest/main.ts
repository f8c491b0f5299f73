/**
 * Ingest throughput, memory and compression, three measurements in one run:
 *
 * - file path: one million generated nested events in NDJSON (written once); a platform
 *   pipeline (file source, flatten, date-partitioned zstd Parquet sink) ingests them, and raw
 *   DuckDB SQL does the same from the same file. Both rates and the ratio.
 * - generator path: a pipeline whose source is the generator itself, to Parquet.
 * - memory: the file path at ten million events in a child process, its peak RSS; and the
 *   compression ratio (NDJSON bytes / Parquet bytes).
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

async function rawDuckDb(file: string, outDir: string, memoryLimit: string): Promise<number> {
  const duck = await DuckDb.create({ memoryLimit });
  const session = await duck.session();
  try {
    const started = performance.now();
    await session.run(
      `COPY (${FLAT_EVENT_SELECT} FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited')) ` +
        `TO ${quoteLiteral(outDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date), OVERWRITE_OR_IGNORE true)`,
    );
    return performance.now() - started;
  } finally {
    session.close();
    duck.close();
  }
}

function memoryRun(events: number): { peakRssMiB: number; seconds: number; ndjsonBytes: number; parquetBytes: number } {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-run.ts');
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, String(events)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`memory run failed (exit ${child.status})`);
  const line = child.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as { peakRssMiB: number; seconds: number; ndjsonBytes: number; parquetBytes: number };
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'dd-bench-ingest-'));
  try {
    const file = path.join(work, 'events.ndjson');
    const written = await writeEventsFile(file, EVENTS);
    console.log(`wrote ${EVENTS.toLocaleString()} events (${(written.bytes / 2 ** 20).toFixed(0)} MiB NDJSON) in ${(written.ms / 1000).toFixed(2)} s`);

    const rawMs = await rawDuckDb(file, path.join(work, 'raw-out'), '1GB');
    const platform = await runFilePipeline({ work, file, memoryLimit: '1GB' });
    const generator = await runGeneratorPipeline({ work, events: EVENTS, memoryLimit: '1GB' });
    const rawBytes = await directoryBytes(path.join(work, 'raw-out'));

    const platformRate = EVENTS / (platform.ms / 1000);
    const duckRate = EVENTS / (rawMs / 1000);
    const generatorRate = EVENTS / (generator.ms / 1000);
    console.table([
      { path: 'file: platform pipeline', seconds: +(platform.ms / 1000).toFixed(2), events_per_s: Math.round(platformRate) },
      { path: 'file: raw DuckDB SQL', seconds: +(rawMs / 1000).toFixed(2), events_per_s: Math.round(duckRate) },
      { path: 'generator: platform pipeline', seconds: +(generator.ms / 1000).toFixed(2), events_per_s: Math.round(generatorRate) },
    ]);
    if (platform.rows !== EVENTS) throw new Error(`platform pipeline wrote ${platform.rows} rows, expected ${EVENTS}`);

    console.log(`memory run: the file path at ${MEMORY_EVENTS.toLocaleString()} events in a child process...`);
    const memory = memoryRun(MEMORY_EVENTS);
    const result = {
      events: EVENTS,
      platform_events_per_s: Math.round(platformRate),
      duckdb_events_per_s: Math.round(duckRate),
      platform_to_duckdb_ratio: +(rawMs / platform.ms).toFixed(3),
      platform_slowdown_x: +(platform.ms / rawMs).toFixed(2),
      generator_events_per_s: Math.round(generatorRate),
      peak_rss_mib_10m: memory.peakRssMiB,
      memory_run_events: MEMORY_EVENTS,
      memory_run_seconds: memory.seconds,
      compression_ratio: +(memory.ndjsonBytes / memory.parquetBytes).toFixed(2),
      compression_ratio_1m_platform: +(written.bytes / platform.outputBytes).toFixed(2),
      compression_ratio_1m_raw_duckdb: +(written.bytes / rawBytes).toFixed(2),
      aims: { platform_slowdown_x: 1.25, generator_events_per_s: 200_000, peak_rss_mib_10m: 1024, compression_ratio: 8 },
    };
    console.log(
      `file path: platform ${result.platform_events_per_s.toLocaleString()} events/s vs raw DuckDB ${result.duckdb_events_per_s.toLocaleString()} events/s ` +
        `(${result.platform_slowdown_x}x the time); generator path ${result.generator_events_per_s.toLocaleString()} events/s; ` +
        `peak RSS at ${MEMORY_EVENTS.toLocaleString()} events ${result.peak_rss_mib_10m} MiB; compression ${result.compression_ratio}:1`,
    );
    await writeResult('ingest', result);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
