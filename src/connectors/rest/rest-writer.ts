/**
 * Writing to a REST endpoint: each record, or JSON arrays of up to `write.batch_size`
 * records, POSTed or PUT to the config's URL.
 */
import type { RecordBatch } from '../connector.ts';
import type { RestConfig } from './rest-config.ts';
import type { RestHttpClient } from './rest-http-client.ts';
import { buildUrl } from './rest-pages.ts';

/** What `writeRecords` needs. */
export interface RestWriteOptions {
  client: RestHttpClient;
  config: RestConfig;
  params: Readonly<Record<string, unknown>>;
  batches: AsyncIterable<RecordBatch>;
  signal: AbortSignal;
}

/** Sends every record; returns how many were sent. */
export async function writeRecords(options: RestWriteOptions): Promise<number> {
  const { client, config, signal } = options;
  const { batch_size: size, method } = config.write;
  const url = buildUrl(config, options.params);
  let pending: RecordBatch = [];
  let written = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending;
    pending = [];
    await client.send({ method, url, body: size > 1 ? chunk : chunk[0] }, signal);
    written += chunk.length;
  };
  for await (const batch of options.batches) {
    for (const record of batch) {
      pending.push(record);
      if (pending.length >= size) await flush();
    }
  }
  await flush();
  return written;
}
