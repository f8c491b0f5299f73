/**
 * CSV through DuckDB's read_csv, with bad lines kept as rejects instead of failing the read.
 *
 * The dialect and column types are sniffed once, then every file is read with auto-detection
 * off. Left on, DuckDB sniffs each file of a list again, and a file whose sample ends inside an
 * unterminated quote (a truncated file) fails the whole read; with fixed columns, such a line
 * is a reject (UNQUOTED VALUE, MISSING COLUMNS, CAST) like any other.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { messageOf } from '../../core/errors.ts';
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';
import type { CsvOptions } from './file-config.ts';
import { formatOfName, isGzip } from './file-format.ts';
import { readHead } from './read-head.ts';
import { compressionArg, fileNamesSql, pathListSql, type ReaderResult, type ScanInput } from './scan-input.ts';
import type { SourceFile } from './source-files.ts';

interface CsvDialect {
  header: boolean;
  delimiter: string;
  quote: string;
  escape: string;
  skip: number;
  dateFormat?: string;
  timestampFormat?: string;
  columns: Array<{ name: string; type: string }>;
}

/** How many files to try sniffing before falling back to all-VARCHAR columns. */
const SNIFF_ATTEMPTS = 3;
/** How much of a file the sniffer sees (DuckDB samples 20,480 rows at most anyway). */
const SNIFF_BYTES = 4 * 1024 * 1024;
/** Lines to back off when a sample ends inside a quoted field. */
const SNIFF_CUTS = 3;

/** Builds the scan of CSV files: read_csv with store_rejects, and a query over its rejects. */
export async function scanCsv(input: ScanInput): Promise<ReaderResult> {
  const options = input.config.csv ?? {};
  const files = input.files;
  // Zero-byte files have no header to learn from (they read as zero rows once columns are set).
  const sniffable = files.filter((f) => f.size > 0);
  const dialect = sniffable.length > 0 ? await detectDialect(input, sniffable, options) : emptyDialect(options);
  const errors = `dd_csv_rejects_${input.id}`;
  const scans = `dd_csv_reject_scans_${input.id}`;
  const args = [
    pathListSql(files),
    'auto_detect=false',
    `header=${dialect.header}`,
    `delim=${quoteLiteral(dialect.delimiter)}`,
    `quote=${quoteLiteral(dialect.quote)}`,
    `escape=${quoteLiteral(dialect.escape)}`,
    `skip=${dialect.skip}`,
    `columns={${dialect.columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`,
    ...(options.null_string !== undefined ? [`nullstr=${quoteLiteral(options.null_string)}`] : []),
    ...(dialect.dateFormat ? [`dateformat=${quoteLiteral(dialect.dateFormat)}`] : []),
    ...(dialect.timestampFormat ? [`timestampformat=${quoteLiteral(dialect.timestampFormat)}`] : []),
    ...compressionArg(input.config),
    'store_rejects=true',
    `rejects_table=${quoteLiteral(errors)}`,
    `rejects_scan=${quoteLiteral(scans)}`,
  ];
  // One row per bad line (a line can break several columns), whatever number of times the
  // scan ran; CRLF files leave line breaks around csv_line.
  const rejectsSql = `SELECT any_value(trim(e.csv_line, chr(13) || chr(10))) AS raw,
      string_agg(DISTINCT e.error_type || coalesce(' (column ' || e.column_name || ')', '') || ': ' || e.error_message, '; ') AS reason,
      coalesce(any_value(n.name), s.file_path) || ':' || e.line AS source
    FROM ${quoteIdent(errors)} e
    JOIN ${quoteIdent(scans)} s ON s.scan_id = e.scan_id AND s.file_id = e.file_id
    LEFT JOIN ${fileNamesSql(files, 'n')} ON n.path = s.file_path
    GROUP BY s.file_path, e.line
    ORDER BY s.file_path, e.line`;
  return {
    sql: `SELECT * FROM read_csv(${args.join(', ')})`,
    rejectsSql,
    notAsIs: 'CSV lines that cannot be read are only found, and skipped, while reading',
    cleanup: async () => {
      await input.duck.run(`DROP TABLE IF EXISTS ${quoteIdent(errors)}; DROP TABLE IF EXISTS ${quoteIdent(scans)}`);
    },
  };
}

/**
 * Sniffs the head of the first files. The sniffer works on a copy of a file's first bytes cut
 * after a complete line: on a whole small file, a truncated last line (an open quote) makes it
 * fail or settle on a one-column dialect. If the cut lands inside a quoted field, it backs off a
 * line at a time; when all else fails, the header line gives the names and every column is VARCHAR.
 */
async function detectDialect(input: ScanInput, files: readonly SourceFile[], options: CsvOptions): Promise<CsvDialect> {
  const failures: string[] = [];
  for (const [n, file] of files.slice(0, SNIFF_ATTEMPTS).entries()) {
    const { head, complete } = await readHead(file.path, isGzip(input.config.compression, file.name), SNIFF_BYTES);
    let end = head.length;
    for (let attempt = 0; attempt < SNIFF_CUTS; attempt++) {
      const cut = head.lastIndexOf(0x0a, end - 1);
      // A file of one line without a newline is sniffed whole.
      const sampleEnd = cut < 0 ? (complete && attempt === 0 ? head.length : -1) : cut + 1;
      if (sampleEnd <= 0) break;
      const sample = path.join(input.tempDir, `sniff-${n}-${attempt}.csv`);
      await writeFile(sample, head.subarray(0, sampleEnd));
      try {
        return await sniff(input, sample, file, options, head.subarray(0, sampleEnd).includes(0x22));
      } catch (error) {
        failures.push(`${file.name}: ${messageOf(error).split('\n')[0]}`);
      } finally {
        await rm(sample, { force: true });
      }
      end = sampleEnd - 1;
    }
  }
  input.log.warn(`could not detect the CSV dialect (${failures.join('; ')}); reading every column as VARCHAR`);
  return fallbackDialect(input, files[0] as SourceFile, options);
}

function userSniffArgs(file: SourceFile, options: CsvOptions): string[] {
  const tab = formatOfName(file.name).tab && options.delimiter === undefined;
  return [
    // Bad rows (too few or many columns) would otherwise push the sniffer to a one-column dialect.
    'ignore_errors=true',
    `header=${options.header ?? true}`,
    ...(options.delimiter !== undefined || tab ? [`delim=${quoteLiteral(options.delimiter ?? '\t')}`] : []),
    ...(options.quote !== undefined ? [`quote=${quoteLiteral(options.quote)}`] : []),
    ...(options.escape !== undefined ? [`escape=${quoteLiteral(options.escape)}`] : []),
    ...(options.skip !== undefined ? [`skip=${options.skip}`] : []),
    ...(options.null_string !== undefined ? [`nullstr=${quoteLiteral(options.null_string)}`] : []),
  ];
}

async function sniff(input: ScanInput, sample: string, file: SourceFile, options: CsvOptions, sampleHasQuotes: boolean): Promise<CsvDialect> {
  const rows = await input.duck.all(
    `SELECT Delimiter AS delimiter, Quote AS quote, Escape AS escape, SkipRows AS skip, DateFormat AS date_format,
        TimestampFormat AS timestamp_format, to_json(Columns)::VARCHAR AS columns
      FROM sniff_csv(${[quoteLiteral(sample), ...userSniffArgs(file, options)].join(', ')})`,
  );
  const row = rows[0] ?? {};
  const sniffed = (value: unknown) => (typeof value === 'string' && value !== '(empty)' && value !== '' ? value : undefined);
  // No quote (`(empty)`) from a sample without a `"` says nothing: later rows may well quote.
  // From a sample with one, it means quotes are plain text here (`5" screen`, a stray `"` in a header).
  const quote = options.quote ?? sniffed(row.quote) ?? (sampleHasQuotes ? '' : '"');
  return {
    header: options.header ?? true,
    delimiter: options.delimiter ?? sniffed(row.delimiter) ?? ',',
    quote,
    escape: options.escape ?? sniffed(row.escape) ?? quote,
    skip: options.skip ?? Number(row.skip ?? 0),
    dateFormat: sniffed(row.date_format),
    timestampFormat: sniffed(row.timestamp_format),
    columns: options.columns ? Object.entries(options.columns).map(([name, type]) => ({ name, type })) : (JSON.parse(String(row.columns)) as CsvDialect['columns']),
  };
}

/** Column names from the first line split on the delimiter; every column VARCHAR. */
async function fallbackDialect(input: ScanInput, file: SourceFile, options: CsvOptions): Promise<CsvDialect> {
  const header = options.header ?? true;
  const delimiter = options.delimiter ?? (formatOfName(file.name).tab ? '\t' : ',');
  const quote = options.quote ?? '"';
  let columns = options.columns ? Object.entries(options.columns).map(([name, type]) => ({ name, type })) : undefined;
  if (!columns) {
    const first = await input.duck.all(
      `SELECT line FROM read_csv(${quoteLiteral(file.path)}, columns={'line': 'VARCHAR'}, auto_detect=false, header=false,
        delim=E'\\x01\\x02\\x03\\x04', quote='', escape='', strict_mode=false, ignore_errors=true, skip=${options.skip ?? 0}${compressionArg(input.config).map((a) => `, ${a}`).join('')}) LIMIT 1`,
    );
    const fields = String(first[0]?.line ?? '').split(delimiter);
    const unquote = (s: string) => (quote && s.startsWith(quote) && s.endsWith(quote) && s.length > 1 ? s.slice(1, -1) : s).trim();
    const seen = new Map<string, number>();
    columns = fields.map((field, i) => {
      let name = header ? unquote(field) || `column${i}` : `column${i}`;
      const count = seen.get(name) ?? 0;
      seen.set(name, count + 1);
      if (count > 0) name = `${name}_${count}`;
      return { name, type: 'VARCHAR' };
    });
  }
  return { header, delimiter, quote, escape: options.escape ?? quote, skip: options.skip ?? 0, columns };
}

/** For zero-byte files only: the configured columns, else DuckDB's own `column0`. */
function emptyDialect(options: CsvOptions): CsvDialect {
  const quote = options.quote ?? '"';
  const columns = Object.entries(options.columns ?? { column0: 'VARCHAR' }).map(([name, type]) => ({ name, type }));
  return { header: options.header ?? true, delimiter: options.delimiter ?? ',', quote, escape: options.escape ?? quote, skip: options.skip ?? 0, columns };
}
