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
  // DuckDB's memory_limit covers its buffer manager, not everything it allocates: at ten million
  // events a 512MB limit peaked near 1.2 GiB of RSS here, a 384MB one near 0.8 GiB (0.9-1.0 GiB
  // on a slower machine). 256MB is too little: the NDJSON pass's line buffers alone take 256MB.
  const run = await runFilePipeline({ work, file, memoryLimit: '384MB', id: 'memory_path' });
  if (run.rows !== events) throw new Error(`wrote ${run.rows} rows, expected ${events}`);
  // maxRSS is in KiB and covers the whole process: JS heap and DuckDB's native memory.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ peakRssMiB, startRssMiB, seconds: +(run.ms / 1000).toFixed(1), parquetBytes: run.outputBytes }));
} finally {
  await rm(work, { recursive: true, force: true });
}
