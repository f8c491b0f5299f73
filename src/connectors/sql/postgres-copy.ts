/**
 * Bulk loading into Postgres with `COPY ... FROM STDIN` in CSV format: the fastest way in, and
 * the only escaping to get right is CSV's. Every non-null field is quoted, so an empty string
 * (`""`) stays distinct from NULL (an empty unquoted field), and quotes, commas and newlines
 * inside values need nothing more than doubled quotes.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { RecordBatch } from '../connector.ts';
import { postgresDialect } from './sql-dialect.ts';
import { toDbValue } from './sql-values.ts';
import { columnList, type WritePlan } from './write-plan.ts';

/** Flush CSV text to the socket in chunks of about this many characters. */
const CHUNK_CHARS = 1 << 20;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Uint8Array) text = `\\x${Buffer.from(value).toString('hex')}`;
  else text = String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

/** One CSV line of a row, in the plan's column order. */
export function csvLine(row: Record<string, unknown>, plan: WritePlan): string {
  let line = '';
  for (let i = 0; i < plan.columns.length; i++) {
    const column = plan.columns[i] as WritePlan['columns'][number];
    const kind = (plan.types[i] as WritePlan['types'][number]).kind;
    if (i > 0) line += ',';
    line += csvField(toDbValue(row[column.name], kind, 'postgres'));
  }
  return `${line}\n`;
}

/**
 * Streams the batches into `tableSql` (already quoted) through COPY, with backpressure from the
 * socket. Returns the number of rows sent. A failure aborts the COPY (CopyFail), so the caller's
 * transaction can roll back cleanly.
 */
export async function copyBatches(client: pg.PoolClient, tableSql: string, plan: WritePlan, batches: AsyncIterable<RecordBatch>, signal: AbortSignal): Promise<number> {
  let rows = 0;
  async function* csvChunks(): AsyncGenerator<string> {
    let chunk = '';
    for await (const batch of batches) {
      signal.throwIfAborted();
      for (const row of batch) {
        chunk += csvLine(row, plan);
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      rows += batch.length;
    }
    if (chunk.length > 0) yield chunk;
  }
  const sql = `COPY ${tableSql} (${columnList(postgresDialect, plan)}) FROM STDIN WITH (FORMAT csv)`;
  await pipeline(Readable.from(csvChunks(), { objectMode: false }), client.query(copyFrom(sql)));
  return rows;
}
