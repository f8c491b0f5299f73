/**
 * File formats from names: `orders.csv.gz` is gzip-compressed CSV, `events.jsonl` is NDJSON.
 */
import { ValidationError } from '../../core/errors.ts';
import type { FileCompression, FileConfig, FileFormat } from './file-config.ts';

const EXTENSIONS: Record<string, FileFormat> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  parquet: 'parquet',
  pq: 'parquet',
};

/** What a file name says about its content. */
export interface NameFormat {
  format?: FileFormat;
  gzip: boolean;
  /** `.tsv`: tab-delimited. */
  tab: boolean;
}

/** The format and compression a file name implies (`a.csv.gz`: csv, gzip). */
export function formatOfName(name: string): NameFormat {
  const parts = name.toLowerCase().split('/').pop()?.split('.') ?? [];
  let ext = parts.length > 1 ? parts.pop() : undefined;
  const gzip = ext === 'gz' || ext === 'gzip';
  if (gzip) ext = parts.length > 1 ? parts.pop() : undefined;
  return { format: ext ? EXTENSIONS[ext] : undefined, gzip, tab: ext === 'tsv' };
}

/** Whether a name has an extension this connector reads (a data file rather than `_SUCCESS`). */
export function isDataFileName(name: string, format?: FileFormat): boolean {
  const found = formatOfName(name).format;
  return found !== undefined && (format === undefined || found === format || (format === 'ndjson' && found === 'json'));
}

/**
 * The format to read or write: the configured one, else the path's extension, else that of the
 * first file found.
 */
export function resolveFormat(config: Pick<FileConfig, 'format' | 'path'>, fileNames: readonly string[] = []): FileFormat {
  if (config.format) return config.format;
  const fromPath = formatOfName(config.path.replace(/[*?{}[\]]+/g, 'x')).format;
  if (fromPath) return fromPath;
  for (const name of fileNames) {
    const found = formatOfName(name).format;
    if (found) return found;
  }
  throw new ValidationError(`cannot tell the format of ${JSON.stringify(config.path)}: set format to one of csv, json, ndjson, parquet`);
}

/** Whether data is gzip-compressed: configured, or from the name when `auto`. */
export function isGzip(compression: FileCompression | undefined, name: string): boolean {
  if (compression === 'gzip') return true;
  if (compression === 'none') return false;
  return formatOfName(name).gzip;
}

/** The extension written files get: `parquet`, `csv.gz`, `ndjson`. */
export function extensionOf(format: FileFormat, gzip: boolean): string {
  return gzip && format !== 'parquet' ? `${format}.gz` : format;
}
