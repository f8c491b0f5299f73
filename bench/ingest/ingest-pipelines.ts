/**
 * The pipelines the ingest benchmark measures, and the NDJSON file they read.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { EventGenerator } from '../../src/connectors/generator/event-generator.ts';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform } from '../../src/platform.ts';

/** The flat columns both the platform's flatten step and the raw SQL produce. */
export const FLAT_EVENT_SELECT = `SELECT event_id, event_type, "timestamp",
  "user".id AS user_id, "user".agent.browser AS user_agent_browser, "user".agent.os AS user_agent_os, "user".agent.device AS user_agent_device,
  "user".country AS user_country, "user".city AS user_city, "user".geo.lat AS user_geo_lat, "user".geo.lon AS user_geo_lon,
  session.id AS session_id, session.duration_s AS session_duration_s, session.pages AS session_pages,
  engagement.clicks AS engagement_clicks, engagement.scroll_depth AS engagement_scroll_depth,
  properties, amount, CAST("timestamp" AS DATE) AS event_date`;

/** Writes `events` generated events as NDJSON; returns bytes and milliseconds. */
export async function writeEventsFile(file: string, events: number, seed = 1): Promise<{ bytes: number; ms: number }> {
  const started = performance.now();
  const generator = await EventGenerator.create({ seed, count: events });
  const out = createWriteStream(file);
  let bytes = 0;
  for (let offset = 0; offset < events; offset += 50_000) {
    const chunk = generator.ndjson(offset, Math.min(50_000, events - offset));
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  return { bytes, ms: performance.now() - started };
}

/** Total size of the files below a folder. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function runPipeline(work: string, memoryLimit: string, spec: PipelineSpecInput, outDir: string): Promise<{ ms: number; rows: number; outputBytes: number }> {
  const home = path.join(work, `home-${spec.id}`);
  const platform = await createPlatform({ home, logger: createLogger({ level: 'silent', pretty: false }), duckdbMemoryLimit: memoryLimit });
  try {
    await platform.registerSpec(spec, { sourcePath: path.join(work, `${spec.id}.yaml`) });
    const started = performance.now();
    const run = await platform.triggerRun(spec.id);
    const done = await platform.waitForRun(run.id);
    const ms = performance.now() - started;
    if (done.status !== 'succeeded') throw new Error(`${spec.id} ${done.status}: ${done.error}`);
    const detail = await platform.getRunDetail(run.id);
    const first = detail.tasks.find((t) => t.taskId === spec.tasks[0]?.id)?.output as { rows_out?: number } | null;
    return { ms, rows: Number(first?.rows_out ?? 0), outputBytes: await directoryBytes(outDir) };
  } finally {
    await platform.close();
  }
}

/**
 * File source, flatten and date, date-partitioned zstd Parquet sink. With `materialize: 'view'`
 * the source and the flatten keep their datasets as views (nothing written; the sink reads the
 * file through them); by default both are written as Parquet tables.
 */
export function runFilePipeline(options: { work: string; file: string; memoryLimit: string; id?: string; materialize?: 'table' | 'view' }) {
  const id = options.id ?? 'file_path';
  const outDir = path.join(options.work, `${id}-out`);
  const materialize = options.materialize ?? 'table';
  const spec: PipelineSpecInput = {
    id,
    tasks: [
      { id: 'ingest', kind: 'source', outputs: [`${id}_raw`], config: { connector: { type: 'file', path: options.file, format: 'ndjson' }, materialize } },
      {
        id: 'flatten',
        kind: 'transform',
        inputs: [`${id}_raw`],
        outputs: [`${id}_flat`],
        config: { steps: [{ flatten: { separator: '_' } }, { derive: { event_date: 'CAST("timestamp" AS DATE)' } }], materialize },
      },
      { id: 'export', kind: 'sink', inputs: [`${id}_flat`], config: { connector: { type: 'file', path: outDir, format: 'parquet', partition_by: ['event_date'] }, mode: 'overwrite' } },
    ],
  };
  return runPipeline(options.work, options.memoryLimit, spec, outDir);
}

/** Generator source straight to a Parquet dataset. */
export function runGeneratorPipeline(options: { work: string; events: number; memoryLimit: string; id?: string }) {
  const id = options.id ?? 'generator_path';
  const home = path.join(options.work, `home-${id}`);
  const spec: PipelineSpecInput = {
    id,
    tasks: [{ id: 'generate', kind: 'source', outputs: ['generated'], config: { connector: { type: 'generator', seed: 2, count: options.events } } }],
  };
  return runPipeline(options.work, options.memoryLimit, spec, path.join(home, 'data'));
}
