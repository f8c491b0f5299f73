/**
 * NDJSON with bad lines as rejects. read_json stops at the first malformed line, and its
 * `ignore_errors` turns bad lines into rows of NULLs (and can lose the good line after one), so
 * lines are first read as text by read_csv with a JSON-typed column: a line that is not JSON
 * fails the cast and lands in DuckDB's rejects table with its exact line number, in parallel.
 *
 * That pass costs twice a plain parse of every line, so a cheaper check goes first: DuckDB's
 * NDJSON object reader, which parses with the same rules as the JSON cast but fails at the first
 * bad line. When it reads every line as an object (the common case), there are no rejects and
 * read_json reads the files themselves; when it fails, the full pass finds every bad line. The
 * good lines of the files with bad ones are then copied to temp NDJSON files that read_json
 * reads with the others, so the columns get exactly the types read_json infers.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';
import { pinnedJsonRead } from './pinned-json-read.ts';
import { compressionArg, fileNamesSql, NO_REJECTS_SQL, pathListSql, type ReaderResult, type ScanInput } from './scan-input.ts';
import type { SourceFile } from './source-files.ts';

/**
 * A delimiter no JSON line holds (raw control characters are invalid inside JSON), so each line
 * is one field. A bad line that holds it anyway becomes a reject too.
 */
const NO_DELIMITER = "E'\\x01\\x02\\x03\\x04'";
/** Longest line read (DuckDB's CSV buffers grow with it: 16 x this per buffer). */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
/** Values this close to the limit may be lines over it once their whitespace is counted. */
const NEAR_LIMIT_BYTES = 64 * 1024;

/** read_csv over the files, one `line` column of the given type. */
function linesSql(files: readonly SourceFile[], input: ScanInput, type: 'JSON' | 'VARCHAR', extra: string[]): string {
  const args = [
    pathListSql(files),
    `columns={'line': '${type}'}`,
    'auto_detect=false',
    'header=false',
    `delim=${NO_DELIMITER}`,
    "quote=''",
    "escape=''",
    // Lets a CRLF line inside an LF file through instead of failing the read.
    'strict_mode=false',
    `max_line_size=${MAX_LINE_BYTES}`,
    ...compressionArg(input.config),
    ...extra,
  ];
  return `read_csv(${args.join(', ')})`;
}

/** Whether a text line is a JSON object; `json_type` throws on invalid JSON, so it only sees valid lines. */
const OBJECT_LINE = "CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END";
/** Valid JSON that is not an object (`42`, `[1]`, `null`). */
const SCALAR_LINE = "CASE WHEN json_valid(line) THEN json_type(line) <> 'OBJECT' ELSE false END";
/** What a valid JSON line holds, in JSON's words (json_type says UBIGINT, VARCHAR...). */
const JSON_KIND = "CASE json_type(line) WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' ELSE 'number' END";
/** The characters JSON allows around a value, for ltrim. */
const JSON_WHITESPACE = "' ' || chr(9) || chr(10) || chr(13)";

/** The files with lines that are valid JSON but not objects (rare: read only when counted). */
async function filesWithScalars(input: ScanInput): Promise<string[]> {
  const [row] = await input.duck.all(
    `SELECT to_json(list(DISTINCT filename))::VARCHAR AS files FROM ${linesSql(input.files, input, 'VARCHAR', ['filename=true', 'ignore_errors=true'])} WHERE ${SCALAR_LINE}`,
  );
  return (JSON.parse(String(row?.files ?? 'null')) as string[] | null) ?? [];
}

/** Builds the scan of NDJSON files; bad lines become rejects with file and line number. */
export async function scanNdjson(input: ScanInput): Promise<ReaderResult> {
  const tables = { errors: `dd_ndjson_errors_${input.id}`, scans: `dd_ndjson_scans_${input.id}`, rejects: `dd_ndjson_rejects_${input.id}` };
  const cleanup = async () => {
    await input.duck.run(Object.values(tables).map((t) => `DROP TABLE IF EXISTS ${quoteIdent(t)}`).join('; '));
  };
  try {
    return { ...(await collectRejects(input, tables)), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * The number of rows when every line of every file is a JSON object or blank, or undefined when
 * some line is not (or the check could not tell): then the full pass finds each bad line. A
 * line the object reader takes is one the JSON cast takes (both parse with DuckDB's JSON rules:
 * a trailing comma or NaN passes, a comment or single quotes fail), and it fails on invalid
 * UTF-8 as the full pass rejects it; lines near the size limit and non-objects go to the full pass.
 */
async function countIfAllObjects(input: ScanInput): Promise<number | undefined> {
  const args = [pathListSql(input.files), ...compressionArg(input.config)];
  try {
    // The reader returns each value trimmed: an object starts with `{`; `42` or `[1]` do not.
    // It reads values past any size, so those near the line limit are left to the full pass.
    const [row] = await input.duck.all(
      `SELECT count(*) AS n, count_if(NOT starts_with(json::VARCHAR, '{') OR strlen(json::VARCHAR) > ${MAX_LINE_BYTES - NEAR_LIMIT_BYTES}) AS doubtful
        FROM read_ndjson_objects(${args.join(', ')})`,
    );
    return Number(row?.doubtful ?? 0) === 0 ? Number(row?.n ?? 0) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads every line once to collect the rejects, then picks the files read_json reads. */
async function collectRejects(input: ScanInput, tables: { errors: string; scans: string; rejects: string }): Promise<ReaderResult> {
  const { duck, files } = input;
  const { errors, scans, rejects } = tables;
  const readArgs = ["format='newline_delimited'", ...compressionArg(input.config)];
  const rows = await countIfAllObjects(input);
  if (rows !== undefined) {
    return { sql: await pinnedJsonRead(duck, [pathListSql(files), ...readArgs]), rejectsSql: NO_REJECTS_SQL, readsFilesAsIs: true, rows };
  }
  // Counting `line` (not `*`) makes DuckDB cast every line, which is what records the rejects.
  // A line that is valid JSON is an object exactly when it starts with `{`: far cheaper to test
  // than json_type, which parses the line again. The files holding other values are found only
  // when there are some.
  const [counts] = await duck.all(
    `SELECT count(line) AS good, count_if(line IS NOT NULL AND NOT starts_with(ltrim(line::VARCHAR, ${JSON_WHITESPACE}), '{')) AS scalars
      FROM ${linesSql(files, input, 'JSON', ['store_rejects=true', `rejects_table=${quoteLiteral(errors)}`, `rejects_scan=${quoteLiteral(scans)}`])}`,
  );
  const scalarFiles = Number(counts?.scalars ?? 0) > 0 ? await filesWithScalars(input) : [];
  // Blank lines fail the JSON cast but read_json skips them; they are not rejects.
  await duck.run(
    `CREATE TEMP TABLE ${quoteIdent(rejects)} AS
      SELECT any_value(trim(e.csv_line, chr(13) || chr(10))) AS raw,
        string_agg(DISTINCT CASE e.error_type
          WHEN 'CAST' THEN 'invalid JSON'
          WHEN 'INVALID ENCODING' THEN 'invalid UTF-8'
          WHEN 'LINE SIZE OVER MAXIMUM' THEN 'line longer than ${MAX_LINE_BYTES} bytes'
          WHEN 'TOO MANY COLUMNS' THEN 'invalid JSON (raw control characters)'
          ELSE lower(e.error_type) END, '; ') AS reason,
        coalesce(any_value(n.name), s.file_path) || ':' || e.line AS source,
        s.file_path AS file, e.line AS line
      FROM ${quoteIdent(errors)} e
      JOIN ${quoteIdent(scans)} s ON s.scan_id = e.scan_id AND s.file_id = e.file_id
      LEFT JOIN ${fileNamesSql(files, 'n')} ON n.path = s.file_path
      WHERE NOT regexp_full_match(e.csv_line, '\\s*')
      GROUP BY s.file_path, e.line`,
  );
  for (const file of scalarFiles) await addScalarLines(input, file, rejects);
  const bad = await duck.all(`SELECT file, count(*) AS n FROM ${quoteIdent(rejects)} GROUP BY file`);
  if (bad.length === 0) {
    // Every line is an object or blank (blank lines are skipped by both reads): good lines are the rows.
    return { sql: await pinnedJsonRead(duck, [pathListSql(files), ...readArgs]), rejectsSql: NO_REJECTS_SQL, readsFilesAsIs: true, rows: Number(counts?.good ?? 0) };
  }
  // Only the files with bad lines are rewritten; the others are still read in place.
  const badFiles = new Set(bad.map((r) => String(r.file)));
  const readable: SourceFile[] = [];
  for (const [n, file] of files.entries()) {
    readable.push(badFiles.has(file.path) ? await rewriteGoodLines(input, file, n) : file);
  }
  const total = bad.reduce((sum, r) => sum + Number(r.n), 0);
  input.log.warn(`${total} NDJSON line(s) could not be read and were set aside as rejects`);
  return {
    notAsIs: `${total} bad line(s) were set aside as rejects by rewriting the good ones to a temp file`,
    sql: `SELECT * FROM read_json(${[pathListSql(readable), ...readArgs].join(', ')})`,
    rejectsSql: `SELECT raw, reason, source FROM ${quoteIdent(rejects)} ORDER BY file, line`,
  };
}

/**
 * Copies a file's good lines to a temp file that read_json can read whole. The copy keeps the
 * original's `name=value` folders (hive partitions become columns) and its compression when
 * that is configured rather than told by the extension.
 */
async function rewriteGoodLines(input: ScanInput, file: SourceFile, n: number): Promise<SourceFile> {
  const partitions = file.path.split(/[\\/]/).slice(0, -1).filter((segment) => /^[^=]+=/.test(segment));
  const gzip = input.config.compression === 'gzip';
  const target = path.join(input.tempDir, 'good-lines', String(n), ...partitions, `lines.ndjson${gzip ? '.gz' : ''}`);
  await mkdir(path.dirname(target), { recursive: true });
  await input.duck.run(
    `COPY (SELECT line FROM ${linesSql([file], input, 'VARCHAR', ['ignore_errors=true'])} WHERE ${OBJECT_LINE})
      TO ${quoteLiteral(target)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER ${NO_DELIMITER}${gzip ? ', COMPRESSION gzip' : ''})`,
  );
  return { ...file, path: target };
}

/**
 * Valid JSON that is not an object (`[1]`, `42`) cannot be a row either. Such lines are rare,
 * so their numbers come from a slower single-threaded numbered read of the file that has them.
 */
async function addScalarLines(input: ScanInput, file: string, rejects: string): Promise<void> {
  const source = input.files.find((f) => f.path === file);
  if (!source) return;
  const lines = linesSql([source], input, 'VARCHAR', ['parallel=false', 'ignore_errors=true']);
  await input.duck.run(
    `INSERT INTO ${quoteIdent(rejects)}
      SELECT line AS raw, 'not a JSON object (' || ${JSON_KIND} || ')' AS reason, ${quoteLiteral(source.name)} || ':' || n AS source, ${quoteLiteral(file)} AS file, n AS line
      FROM (SELECT row_number() OVER () AS n, line FROM ${lines})
      WHERE ${SCALAR_LINE}`,
  );
}
