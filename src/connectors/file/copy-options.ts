/**
 * The options of DuckDB's `COPY ... TO` for each format the file connector writes.
 */
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';
import type { FileConfig, FileFormat } from './file-config.ts';

export interface CopyOptionsInput {
  config: FileConfig;
  format: FileFormat;
  gzip: boolean;
  /** Tab-delimited by default (a `.tsv` target). */
  tab?: boolean;
  /** For partitioned writes: the name of each file before its extension (`{i}` is a counter). */
  filenamePattern?: string;
  extension?: string;
}

/** `(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ("day"), ...)` for the target. */
export function copyOptionsSql(input: CopyOptionsInput): string {
  const { config, format, gzip } = input;
  const options: string[] = [];
  switch (format) {
    case 'parquet':
      options.push('FORMAT parquet', 'COMPRESSION zstd');
      break;
    case 'csv': {
      const csv = config.csv ?? {};
      options.push('FORMAT csv', `HEADER ${csv.header ?? true}`, `DELIMITER ${quoteLiteral(csv.delimiter ?? (input.tab ? '\t' : ','))}`);
      if (csv.quote !== undefined) options.push(`QUOTE ${quoteLiteral(csv.quote)}`);
      if (csv.escape !== undefined) options.push(`ESCAPE ${quoteLiteral(csv.escape)}`);
      if (csv.null_string !== undefined) options.push(`NULLSTR ${quoteLiteral(csv.null_string)}`);
      break;
    }
    case 'json':
      options.push('FORMAT json', 'ARRAY true');
      break;
    case 'ndjson':
      options.push('FORMAT json');
      break;
  }
  if (gzip && format !== 'parquet') options.push('COMPRESSION gzip');
  if (config.partition_by) {
    options.push(`PARTITION_BY (${config.partition_by.map(quoteIdent).join(', ')})`);
    if (input.filenamePattern) options.push(`FILENAME_PATTERN ${quoteLiteral(input.filenamePattern)}`);
    if (input.extension) options.push(`FILE_EXTENSION ${quoteLiteral(input.extension)}`);
  }
  return `(${options.join(', ')})`;
}
