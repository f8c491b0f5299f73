/**
 * The write path of the file connector: DuckDB's COPY writes the rows into a staging folder,
 * then the files are published into the target (moved locally, uploaded to S3).
 *
 * Staging first means a failed COPY leaves the target untouched, and S3 targets work the same
 * as local ones. New files always get unique names, so `append` only adds files and
 * `overwrite` adds the new ones before removing the old: readers never see an empty target.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { CopyContext } from '../connector.ts';
import { ValidationError } from '../../core/errors.ts';
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';
import type { FileConfig, FileFormat } from './file-config.ts';
import { extensionOf, formatOfName, isGzip } from './file-format.ts';
import { resolveFileLocation, type FileLocation } from './file-location.ts';
import { copyOptionsSql } from './copy-options.ts';
import { scanSourceFiles } from './scan-files.ts';

/** Writes the rows of `ctx.sql` to the config's files. */
export async function copyToFiles(config: FileConfig, ctx: CopyContext<FileConfig>): Promise<{ rowsWritten: number }> {
  if (ctx.mode === 'upsert') throw new ValidationError('file sinks do not support upsert; use overwrite or a SQL sink');
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  const stage = path.join(ctx.tempDir, `copy-${id}`);
  await mkdir(stage, { recursive: true });
  const location = await resolveFileLocation(config, { ...ctx, tempDir: stage });
  try {
    if (config.partition_by && location.kind === 'file') {
      throw new ValidationError(`partition_by writes folders: point path at a folder or glob, not the file ${JSON.stringify(config.path)}`);
    }
    const format = config.format ?? formatOfName(location.kind === 'file' ? location.pattern : config.path.replace(/[*?{}[\]]+/g, 'x')).format ?? (location.kind === 'folder' ? 'parquet' : undefined);
    if (!format) throw new ValidationError(`cannot tell the format to write ${JSON.stringify(config.path)} in: set format to one of csv, json, ndjson, parquet`);
    const targetName = location.kind === 'file' ? location.pattern : location.kind === 'glob' ? lastSegment(location.pattern) : `part.${format}`;
    const gzip = isGzip(config.compression, location.kind === 'folder' ? '' : targetName);
    const written = await writeStaged({ config, ctx, location, format, gzip, stage: path.join(stage, 'out'), id, targetName });
    ctx.signal.throwIfAborted();
    await publish(location, written.keys, ctx.mode, format, path.join(stage, 'out'));
    return { rowsWritten: written.rows };
  } finally {
    location.storage.close?.();
    await rm(stage, { recursive: true, force: true });
  }
}

interface StageInput {
  config: FileConfig;
  ctx: CopyContext<FileConfig>;
  location: FileLocation;
  format: FileFormat;
  gzip: boolean;
  stage: string;
  id: string;
  targetName: string;
}

/** Runs the COPY into the staging folder; returns the keys (below the target root) it produced. */
async function writeStaged(input: StageInput): Promise<{ rows: number; keys: string[] }> {
  const { config, ctx, location, format, gzip, stage, targetName } = input;
  await mkdir(stage, { recursive: true });
  const tab = formatOfName(targetName).tab;
  const base = uniqueStem(location, targetName, input.id);
  if (config.partition_by) {
    const extension = location.kind === 'glob' ? extensionAfter(targetName) : extensionOf(format, gzip);
    const options = copyOptionsSql({ config, format, gzip, tab, filenamePattern: `${base}_{i}`, extension });
    const rows = await copyCount(ctx, `COPY (${ctx.sql}) TO ${quoteLiteral(stage)} ${options}`);
    const keys = await listRelative(stage);
    assertMatches(location, keys);
    return { rows, keys };
  }
  const key = location.kind === 'file' ? location.pattern : `${base}.${location.kind === 'glob' ? extensionAfter(targetName) : extensionOf(format, gzip)}`;
  assertMatches(location, [key]);
  const file = path.join(stage, ...key.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  // One file cannot grow in place (Parquet keeps its footer at the end): appending rewrites it.
  const existing = location.kind === 'file' && ctx.mode === 'append' ? await loadExisting(input, key) : undefined;
  try {
    const sql = existing ? `SELECT * FROM ${existing.table} UNION ALL BY NAME SELECT * FROM (${ctx.sql})` : ctx.sql;
    const rows = await copyCount(ctx, `COPY (${sql}) TO ${quoteLiteral(file)} ${copyOptionsSql({ config, format, gzip, tab })}`);
    return { rows: rows - (existing?.rows ?? 0), keys: [key] };
  } finally {
    await existing?.cleanup();
  }
}

/**
 * Loads the single file being appended to into a temp table (undefined when it does not exist
 * yet). Reading it in full casts every column, so its rejects are known: a file with unreadable
 * lines is refused, since rewriting it would drop them.
 */
async function loadExisting(input: StageInput, key: string): Promise<{ table: string; rows: number; cleanup(): Promise<void> } | undefined> {
  const { config, ctx, location, format, stage } = input;
  const found = await location.storage.list(key);
  if (found.length === 0) return undefined;
  const [local] = await location.storage.materialize([key]);
  const files = [{ path: local as string, name: location.describe(key), key, size: found[0]?.size ?? 0 }];
  const scan = await scanSourceFiles(config, format, files, { ...ctx, tempDir: path.dirname(stage) });
  const table = quoteIdent(`dd_existing_${input.id}`);
  const cleanup = async () => {
    await ctx.duck.run(`DROP TABLE IF EXISTS ${table}`);
    await scan.cleanup?.();
  };
  try {
    await ctx.duck.run(`CREATE TEMP TABLE ${table} AS ${scan.sql}`);
    const bad = scan.rejectsSql ? Number((await ctx.duck.all(`SELECT count(*) AS n FROM (${scan.rejectsSql})`))[0]?.n ?? 0) : 0;
    if (bad > 0) {
      throw new ValidationError(`cannot append to ${location.describe(key)}: ${bad} of its lines cannot be read and rewriting the file would drop them; write to a folder or glob instead`);
    }
    const rows = Number((await ctx.duck.all(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
    return { table, rows, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Moves or uploads the staged files into the target, then removes what they replace. */
async function publish(location: FileLocation, keys: string[], mode: 'append' | 'overwrite', format: FileFormat, stage: string): Promise<void> {
  const old = mode === 'overwrite' && location.kind !== 'file' ? (await location.list()).filter((o) => location.matches(o.key, format)).map((o) => o.key) : [];
  for (const key of keys) await location.storage.put(path.join(stage, ...key.split('/')), key);
  const fresh = new Set(keys);
  const stale = old.filter((key) => !fresh.has(key));
  if (location.storage.deleteKeys) await location.storage.deleteKeys(stale);
  else for (const key of stale) await location.storage.delete(key);
}

async function copyCount(ctx: CopyContext<FileConfig>, sql: string): Promise<number> {
  const rows = await ctx.duck.all(sql);
  return Number(rows[0]?.Count ?? rows[0]?.count ?? 0);
}

/**
 * A new, unique file stem: `part-20260124T101500123Z-ab12cd34`, or the glob's file name with
 * its `*` filled in (`events-*.csv` gives `events-20260124T...-ab12cd34`).
 */
function uniqueStem(location: FileLocation, targetName: string, id: string): string {
  const stamp = `${new Date().toISOString().replace(/[-:.]/g, '')}-${id.slice(0, 8)}`;
  if (location.kind !== 'glob') return `part-${stamp}`;
  const dir = location.pattern.includes('/') ? location.pattern.slice(0, location.pattern.lastIndexOf('/')) : '';
  const stem = targetName.slice(0, targetName.length - extensionAfter(targetName).length - 1).replace(/\*+/g, stamp);
  // A folder part with wildcards (`**/`) cannot be filled in: the file goes to the glob's root.
  return picomatch.scan(dir).isGlob || dir === '' ? stem : `${dir}/${stem}`;
}

function lastSegment(pattern: string): string {
  return pattern.slice(pattern.lastIndexOf('/') + 1);
}

/** `events-*.csv.gz` gives `csv.gz`. */
function extensionAfter(name: string): string {
  const { format, gzip } = formatOfName(name);
  if (!format) throw new ValidationError(`the sink path's file name ${JSON.stringify(name)} needs an extension such as .parquet or .csv`);
  const parts = name.split('.');
  return gzip ? parts.slice(-2).join('.') : (parts.at(-1) as string);
}

function assertMatches(location: FileLocation, keys: string[]): void {
  const stray = keys.find((key) => !location.matches(key));
  if (stray !== undefined) {
    throw new ValidationError(`the file ${JSON.stringify(stray)} written for ${JSON.stringify(location.describe(location.pattern))} would not match its own path: use a glob with the wildcard in the file name (out/*.parquet) or a folder`);
  }
}

/** Relative POSIX paths of the files below a folder. */
async function listRelative(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => {
      const parent = (e as unknown as { parentPath?: string; path?: string }).parentPath ?? (e as unknown as { path: string }).path;
      return path.relative(dir, path.join(parent, e.name)).split(path.sep).join('/');
    })
    .sort();
}
