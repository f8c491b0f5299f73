/**
 * Stages rows made in JavaScript as an NDJSON file that DuckDB reads back, which is the fast
 * way in (DuckDB parses files itself; see DESIGN.md). Values are written so that DuckDB's JSON
 * reader turns them back into their column types: dates as `YYYY-MM-DD`, times as text,
 * blobs as base64, maps as objects.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ColumnInfo, RecordBatch } from '../../connectors/connector.ts';
import { quoteIdent, quoteLiteral } from '../sql-quote.ts';
import { formatDuckType, parseDuckType, type DuckType } from './duckdb-type.ts';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function timeText(micros: number): string {
  const seconds = Math.floor(micros / 1e6);
  const fraction = micros - seconds * 1e6;
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.${pad(fraction, 6)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

/** A JS value as JSON that DuckDB reads back as `type` (or infers well when the type is unknown). */
export function jsonValue(value: unknown, type?: DuckType): unknown {
  if (value === null || value === undefined) return null;
  if (type?.kind === 'primitive') {
    if (type.name === 'DATE' && value instanceof Date) return value.toISOString().slice(0, 10);
    if (type.name === 'TIME' && (typeof value === 'number' || typeof value === 'bigint')) return timeText(Number(value));
    if (type.name === 'INTERVAL' && isPlainObject(value) && 'months' in value) {
      return `${Number(value.months)} months ${Number(value.days)} days ${Number(value.micros)} microseconds`;
    }
  } else if ((type?.kind === 'list' || type?.kind === 'array') && Array.isArray(value)) {
    return value.map((v) => jsonValue(v, type.element));
  } else if (type?.kind === 'struct' && isPlainObject(value)) {
    const fields = new Map(type.fields.map((f) => [f.name, f.type]));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v, fields.get(k))]));
  } else if (type?.kind === 'map' && Array.isArray(value)) {
    return Object.fromEntries(value.map((e: { key?: unknown; value?: unknown }) => [String(e?.key), jsonValue(e?.value, type.value)]));
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => jsonValue(v));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/** Writes rows to an NDJSON file and says how DuckDB should read them back. */
export class NdjsonStage {
  private handle: FileHandle | undefined;
  private readonly types: Map<string, DuckType>;
  private readonly keys = new Map<string, number>();
  rows = 0;

  constructor(
    readonly file: string,
    private readonly inputColumns: readonly ColumnInfo[],
  ) {
    this.types = new Map(inputColumns.map((c) => [c.name, parseDuckType(c.type)]));
  }

  /** Appends rows; memory stays at one batch of text. */
  async write(rows: RecordBatch): Promise<void> {
    this.handle ??= await open(this.file, 'w');
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) {
        if (!this.keys.has(key)) this.keys.set(key, this.keys.size);
        out[key] = jsonValue(value, this.types.get(key));
      }
      text += `${JSON.stringify(out)}\n`;
    }
    this.rows += rows.length;
    await this.handle.write(text);
  }

  async close(): Promise<void> {
    this.handle ??= await open(this.file, 'w');
    await this.handle.close();
  }

  /**
   * The columns to read the file with: the declared ones, else the input's when the rows kept
   * exactly the input's columns (or there are none), else undefined (DuckDB infers them).
   */
  typedColumns(declared?: readonly ColumnInfo[]): ColumnInfo[] | undefined {
    if (declared) return [...declared];
    const inputNames = new Set(this.inputColumns.map((c) => c.name));
    const same = this.keys.size === inputNames.size && [...this.keys.keys()].every((k) => inputNames.has(k));
    return this.rows === 0 || same ? [...this.inputColumns] : undefined;
  }

  /** A relation over the staged file, typed by `columns` or inferred from every row. */
  relationSql(columns: readonly ColumnInfo[] | undefined): string {
    const file = quoteLiteral(this.file);
    if (!columns) return `read_json(${file}, format='newline_delimited', sample_size=-1)`;
    const blobs = columns.filter((c) => parseDuckType(c.type).kind === 'primitive' && formatDuckType(parseDuckType(c.type)) === 'BLOB');
    const spec = columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(blobs.includes(c) ? 'VARCHAR' : formatDuckType(parseDuckType(c.type)))}`);
    const read = `read_json(${file}, format='newline_delimited', columns={${spec.join(', ')}})`;
    if (blobs.length === 0) return read;
    // Blobs travel as base64 text (JSON has no bytes) and are decoded on the way back in.
    return `(SELECT * REPLACE (${blobs.map((c) => `from_base64(${quoteIdent(c.name)}) AS ${quoteIdent(c.name)}`).join(', ')}) FROM ${read})`;
  }
}
