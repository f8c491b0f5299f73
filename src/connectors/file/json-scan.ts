/**
 * JSON documents: an array of records, or one document whose records sit at `records_path`.
 * A `.json` file that turns out to hold one object per line is read as NDJSON, so its bad
 * lines become rejects rather than failing the read.
 */
import { quoteIdent } from '../../engine/sql-quote.ts';
import { isGzip } from './file-format.ts';
import { scanNdjson } from './ndjson-scan.ts';
import { pinnedJsonRead } from './pinned-json-read.ts';
import { readHead } from './read-head.ts';
import { compressionArg, NO_REJECTS_SQL, pathListSql, type ReaderResult, type ScanInput } from './scan-input.ts';

/** How much of the first file is looked at to tell NDJSON from a document. */
const PEEK_BYTES = 64 * 1024;

/** Builds the scan of JSON files. */
export async function scanJson(input: ScanInput): Promise<ReaderResult> {
  const recordsPath = input.config.json?.records_path;
  const first = input.files.find((f) => f.size > 0);
  if (!recordsPath && first && looksLikeNdjson((await readHead(first.path, isGzip(input.config.compression, first.name), PEEK_BYTES)).head.toString('utf8'))) {
    return scanNdjson(input);
  }
  const largest = Math.max(0, ...input.files.map((f) => f.size));
  const args = [pathListSql(input.files), "format='auto'", ...compressionArg(input.config)];
  if (!recordsPath) return { sql: await pinnedJsonRead(input.duck, args), rejectsSql: NO_REJECTS_SQL, readsFilesAsIs: true };
  // The whole document is one JSON value here, so it must fit read_json's object size limit
  // (compressed sizes understate it; 16x covers typical gzip ratios of JSON).
  const limit = Math.min(2 ** 31 - 1, Math.max(16 * 1024 * 1024, largest * (isGzip(input.config.compression, first?.name ?? '') ? 16 : 1) + 1024));
  args.push('records=true', `maximum_object_size=${limit}`);
  const listExpr = recordsPath.split('.').map(quoteIdent).join('.');
  return {
    sql: `SELECT unnest(dd_record) FROM (SELECT unnest(${listExpr}) AS dd_record FROM read_json(${args.join(', ')}))`,
    rejectsSql: NO_REJECTS_SQL,
  };
}

/** Several lines that each parse as a whole JSON object: NDJSON, not a pretty-printed document. */
export function looksLikeNdjson(head: string): boolean {
  const lines = head.split('\n');
  // The last piece may be cut mid-line by the peek.
  if (lines.length > 1) lines.pop();
  const nonBlank = lines.map((l) => l.trim()).filter((l) => l !== '');
  if (nonBlank.length === 0) return false;
  const first = nonBlank[0] as string;
  if (!first.startsWith('{')) return false;
  try {
    return typeof JSON.parse(first) === 'object';
  } catch {
    return false;
  }
}
