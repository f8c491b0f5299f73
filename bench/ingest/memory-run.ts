/**
 * The memory measurement of the ingest benchmark, in its own process so its peak RSS is the
 * pipeline's alone: the platform's file path over an NDJSON file of N events (written by the
 * parent, so generating them does not count here) with DuckDB's memory limit set. Prints one
 * JSON line: peak RSS (MiB), the RSS before the pipeline ran, seconds, Parquet bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runFilePipeline } from './ingest-pipelines.ts';

const file = process.argv[2];
const events = Number(process.argv[3]);
if (!file || !Number.isInteger(events)) throw new Error('usage: memory-run.ts EVENTS_FILE EVENTS');
const work = await mkdtemp(path.join(os.tmpdir(), 'dd-bench-mem-'));
try {
  const startRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  // DuckDB's memory_limit covers its buffer manager, not everything it allocates (the Parquet
  // writers' row groups, the JSON reader's buffers), so RSS runs 400-550 MiB above it here. With
  // 384MB the peak was 770-870 MiB in most runs but 1.0-1.15 GiB in three of eighteen; 256MB
  // gave 714-770 MiB, about 15% slower. (256MB used to be too little: the NDJSON rejects pass
  // read every line as text, and now runs only for files with a doubtful line.)
  const run = await runFilePipeline({ work, file, memoryLimit: '256MB', id: 'memory_path' });
  if (run.rows !== events) throw new Error(`wrote ${run.rows} rows, expected ${events}`);
  // maxRSS is in KiB and covers the whole process: JS heap and DuckDB's native memory.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ peakRssMiB, startRssMiB, seconds: +(run.ms / 1000).toFixed(1), parquetBytes: run.outputBytes }));
} finally {
  await rm(work, { recursive: true, force: true });
}
