/**
 * Parquet through read_parquet: files may differ in columns (matched by name), and
 * `column=value/` folders of partitioned writes come back as columns.
 */
import { NO_REJECTS_SQL, pathListSql, type ReaderResult, type ScanInput } from './scan-input.ts';

/** Builds the scan of Parquet files (a Parquet file is whole or unreadable: no rejects). */
export async function scanParquet(input: ScanInput): Promise<ReaderResult> {
  // A zero-byte file is not Parquet at all; treat it as an empty file, like the other formats.
  const files = input.files.filter((f) => f.size > 0);
  if (files.length === 0) return { sql: 'SELECT NULL::VARCHAR AS column0 WHERE false', rejectsSql: NO_REJECTS_SQL };
  return { sql: `SELECT * FROM read_parquet(${pathListSql(files)}, union_by_name=true)`, rejectsSql: NO_REJECTS_SQL, readsFilesAsIs: true };
}
