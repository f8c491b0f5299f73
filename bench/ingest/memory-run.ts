/**
 * The memory measurement of the ingest benchmark, in its own process so its peak RSS is the
 * pipeline's alone: N events to NDJSON, then the platform's file path with DuckDB's memory
 * limit set. Prints one JSON line: peak RSS (MiB), seconds, NDJSON and Parquet bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runFilePipeline, writeEventsFile } from './ingest-pipelines.ts';

const events = Number(process.argv[2] ?? 10_000_000);
const work = await mkdtemp(path.join(os.tmpdir(), 'dd-bench-mem-'));
try {
  const file = path.join(work, 'events.ndjson');
  const written = await writeEventsFile(file, events, 3);
  // DuckDB's memory_limit covers its buffer manager, not everything it allocates: at ten million
  // events a 512MB limit peaked near 1.2 GiB of RSS here, a 384MB one near 0.8 GiB (0.9-1.0 GiB
  // on a slower machine). 256MB is too little: the NDJSON pass's line buffers alone take 256MB.
  const run = await runFilePipeline({ work, file, memoryLimit: '384MB', id: 'memory_path' });
  if (run.rows !== events) throw new Error(`wrote ${run.rows} rows, expected ${events}`);
  // maxRSS is in KiB and covers the whole process: JS heap and DuckDB's native memory.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ peakRssMiB, seconds: +(run.ms / 1000).toFixed(1), ndjsonBytes: written.bytes, parquetBytes: run.outputBytes }));
} finally {
  await rm(work, { recursive: true, force: true });
}
