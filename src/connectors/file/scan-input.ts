/**
 * What every format reader gets, and the SQL pieces they share: file lists and the table that
 * maps the local paths DuckDB read back to the names users know (for rejects).
 */
import type { ConnectorLogger, DuckAccess, ScanResult } from '../connector.ts';
import { quoteLiteral } from '../../engine/sql-quote.ts';
import type { FileConfig } from './file-config.ts';
import type { SourceFile } from './source-files.ts';

export interface ScanInput {
  readonly duck: DuckAccess;
  readonly files: readonly SourceFile[];
  readonly config: FileConfig;
  /** A scratch folder of this scan, removed by its cleanup. */
  readonly tempDir: string;
  /** Unique per scan: names the session's temp tables. */
  readonly id: string;
  readonly log: ConnectorLogger;
}

/** What a format reader returns. */
export interface ReaderResult extends ScanResult {
  /**
   * True when `sql` reads the input files as they are and drops no row: every reject is known
   * before it runs. Such a scan of local files can be kept as a view over them.
   */
  readsFilesAsIs?: boolean;
  /** Why not, when `readsFilesAsIs` is not true. */
  notAsIs?: string;
}

/** `['/a.csv', '/b.csv']` as a DuckDB list literal. */
export function pathListSql(files: readonly SourceFile[]): string {
  return `[${files.map((f) => quoteLiteral(f.path)).join(', ')}]`;
}

/** `(VALUES ('/tmp/x/a.csv', 's3://b/a.csv'), ...) AS alias(path, name)`. */
export function fileNamesSql(files: readonly SourceFile[], alias: string): string {
  return `(VALUES ${files.map((f) => `(${quoteLiteral(f.path)}, ${quoteLiteral(f.name)})`).join(', ')}) AS ${alias}(path, name)`;
}

/** The `compression=` argument of read_csv / read_json for the config (none for `auto`). */
export function compressionArg(config: FileConfig): string[] {
  if (config.compression === 'gzip') return ["compression='gzip'"];
  if (config.compression === 'none') return ["compression='none'"];
  return [];
}

/** The rejects query of a source that cannot have any (same columns as the others). */
export const NO_REJECTS_SQL = 'SELECT NULL::VARCHAR AS raw, NULL::VARCHAR AS reason, NULL::VARCHAR AS source WHERE false';
