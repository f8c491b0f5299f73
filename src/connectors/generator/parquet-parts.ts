/**
 * Turns generated NDJSON into zstd Parquet part by part: DuckDB converts one part in its own
 * threads while JavaScript makes the next, instead of reading one whole file once the last
 * event is written. The parts, in generation order, are the rows; a source can take them as its
 * dataset's files as they are.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { DuckAccess } from '../connector.ts';
import { quoteLiteral } from '../../engine/sql-quote.ts';

export interface ParquetPartsOptions {
  duck: DuckAccess;
  /** Folder of the parts (NDJSON while written, then Parquet), and unique name prefix within it. */
  dir: string;
  prefix: string;
  /** read_json's `columns` argument: the fixed schema of the lines. */
  columnsSql: string;
  /** Events per part. */
  partEvents: number;
}

export class ParquetParts {
  private handle: FileHandle | undefined;
  private ndjson = '';
  private events = 0;
  /** The Parquet files, in order (the last one may still be being written). */
  readonly files: string[] = [];
  /** The conversions under way, in order; the first failure is kept for `finish`. */
  private converting: Promise<void> = Promise.resolve();

  constructor(private readonly options: ParquetPartsOptions) {}

  /** Appends `events` events' NDJSON to the current part, handing it to DuckDB when full. */
  async write(bytes: Uint8Array, events: number): Promise<void> {
    if (!this.handle) {
      this.ndjson = path.join(this.options.dir, `${this.options.prefix}-${this.files.length}.ndjson`);
      this.handle = await open(this.ndjson, 'w');
    }
    await this.handle.write(bytes);
    this.events += events;
    if (this.events >= this.options.partEvents) await this.seal();
  }

  /** Converts what is left and waits for every conversion; throws the first one's error. */
  async finish(): Promise<string[]> {
    if (this.handle) await this.seal();
    await this.converting;
    return [...this.files];
  }

  /** Removes every part (after a failure, or once the rows are no longer needed). */
  async remove(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await this.converting.catch(() => undefined);
    await Promise.all([this.ndjson, ...this.files].map((file) => rm(file, { force: true })));
  }

  private async seal(): Promise<void> {
    const ndjson = this.ndjson;
    const parquet = ndjson.replace(/\.ndjson$/, '.parquet');
    await this.handle?.close();
    this.handle = undefined;
    this.events = 0;
    this.files.push(parquet);
    const { duck, columnsSql } = this.options;
    this.converting = this.converting.then(async () => {
      await duck.run(
        `COPY (SELECT * FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', columns = ${columnsSql})) TO ${quoteLiteral(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await rm(ndjson, { force: true });
    });
    // Awaited by finish or remove; until then a failure must not count as unhandled.
    this.converting.catch(() => undefined);
  }
}
