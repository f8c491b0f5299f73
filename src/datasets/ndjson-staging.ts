/**
 * Stages JS rows (from REST, SQL databases, streams, function steps) as an NDJSON file that
 * DuckDB then reads itself: serialising is cheap, and DuckDB's reader is far faster than
 * pushing values into it one by one. Memory stays bounded by one batch.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RecordBatch } from '../connectors/connector.ts';

export interface StagedNdjson {
  file: string;
  rows: number;
  bytes: number;
}

/** JSON for DuckDB: bigints as numbers or strings, Dates as ISO text. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

export async function writeBatchesAsNdjson(batches: AsyncIterable<RecordBatch>, file: string, signal?: AbortSignal): Promise<StagedNdjson> {
  const out = createWriteStream(file);
  let rows = 0;
  let bytes = 0;
  try {
    for await (const batch of batches) {
      signal?.throwIfAborted();
      if (batch.length === 0) continue;
      let text = '';
      for (const row of batch) text += `${JSON.stringify(row, replacer)}\n`;
      rows += batch.length;
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { file, rows, bytes };
}
