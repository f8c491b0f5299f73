/**
 * The read path of the file connector: resolve the config's files (fetching S3 objects), then
 * hand them to the reader of their format, which returns DuckDB SQL and a rejects query.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectorLogger, DuckAccess, ScanResult } from '../connector.ts';
import type { FileConfig, FileFormat } from './file-config.ts';
import { resolveFileLocation, type LocationContext } from './file-location.ts';
import { scanCsv } from './csv-scan.ts';
import { scanJson } from './json-scan.ts';
import { scanNdjson } from './ndjson-scan.ts';
import { scanParquet } from './parquet-scan.ts';
import type { ReaderResult, ScanInput } from './scan-input.ts';
import { resolveSourceFiles, type SourceFile } from './source-files.ts';

const READERS: Record<FileFormat, (input: ScanInput) => Promise<ReaderResult>> = {
  csv: scanCsv,
  json: scanJson,
  ndjson: scanNdjson,
  parquet: scanParquet,
};

export interface ScanFilesContext extends LocationContext {
  readonly duck: DuckAccess;
  readonly log: ConnectorLogger;
}

/** A scan plus what it read, for discovery and logs. */
export interface FileScan extends ScanResult {
  format: FileFormat;
  files: SourceFile[];
  /** Whether `sql` reads the files where they lie (local, not rewritten) and drops no row. */
  inPlace: boolean;
  /** Why not, when it does not. */
  notInPlace?: string;
}

/**
 * Scans the config's files. S3 downloads and the reader's temp files live in folders of their
 * own below the call's temp folder, removed by `cleanup`.
 */
export async function scanFiles(config: FileConfig, ctx: ScanFilesContext): Promise<FileScan> {
  const downloads = path.join(ctx.tempDir, `files-${randomUUID().slice(0, 8)}`);
  const removeDownloads = () => rm(downloads, { recursive: true, force: true });
  const location = await resolveFileLocation(config, { ...ctx, tempDir: downloads });
  try {
    const { format, files } = await resolveSourceFiles(location, config).finally(() => location.storage.close?.());
    ctx.signal?.throwIfAborted();
    const scan = await scanSourceFiles(config, format, files, ctx);
    return {
      ...scan,
      format,
      files,
      inPlace: !location.remote && scan.readsFilesAsIs === true,
      ...(location.remote ? { notInPlace: 'its files are downloaded copies of remote objects' } : scan.readsFilesAsIs ? {} : { notInPlace: scan.notAsIs ?? 'its reader rewrites the files' }),
      cleanup: async () => {
        await scan.cleanup?.();
        await removeDownloads();
      },
    };
  } catch (error) {
    await removeDownloads();
    throw error;
  }
}

/** Scans exactly these files (already local): per-file discovery, appending to a single file. */
export async function scanSourceFiles(config: FileConfig, format: FileFormat, files: SourceFile[], ctx: ScanFilesContext): Promise<ReaderResult> {
  const id = randomUUID().replaceAll('-', '').slice(0, 16);
  const tempDir = path.join(ctx.tempDir, `scan-${id}`);
  await mkdir(tempDir, { recursive: true });
  const removeTemp = () => rm(tempDir, { recursive: true, force: true });
  try {
    const scan = await READERS[format]({ duck: ctx.duck, files, config, tempDir, id, log: ctx.log });
    return {
      ...scan,
      cleanup: async () => {
        await scan.cleanup?.();
        await removeTemp();
      },
    };
  } catch (error) {
    await removeTemp();
    throw error;
  }
}
