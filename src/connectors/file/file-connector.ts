/**
 * The `file` connector: CSV, JSON, NDJSON and Parquet files (gzip too) in a local folder, a glob
 * or an S3 prefix. DuckDB reads and writes the files itself (`scan` and `copy`), which is far
 * faster than moving rows through JavaScript; S3 objects are staged through local temp files
 * since DuckDB's httpfs extension is not available.
 *
 * @example
 * ```yaml
 * connection: { type: file, path: data/orders-*.csv.gz, csv: { delimiter: ';' } }
 * connection: { type: file, path: s3://lake/events/, format: parquet, partition_by: [day] }
 * ```
 */
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Connector, ConnectorContext, DiscoveredRelation } from '../connector.ts';
import { PlatformError } from '../../core/errors.ts';
import { DuckDb, type DuckSession } from '../../engine/duckdb.ts';
import type { LocalDatasetStorage } from '../../datasets/local-dataset-storage.ts';
import { S3DatasetStorage, describeS3Error } from '../../datasets/s3-dataset-storage.ts';
import { fileConfigSchema, parseFileConfig, type FileConfig } from './file-config.ts';
import { copyToFiles } from './file-copy.ts';
import { resolveFileLocation } from './file-location.ts';
import { scanFiles, scanSourceFiles } from './scan-files.ts';
import { resolveSourceFiles } from './source-files.ts';

/** Discovery describes at most this many files (each one is read to infer its columns). */
const DISCOVER_FILE_LIMIT = 100;

export const fileConnector: Connector<FileConfig> = {
  type: 'file',
  description: 'Files in a local folder, a glob or S3: CSV, JSON, NDJSON and Parquet (gzip too), read and written by DuckDB',
  configSchema: fileConfigSchema,
  secretFields: ['access_key_id', 'secret_access_key', 'session_token'],

  async test(ctx) {
    const config = parseFileConfig(ctx.config);
    const location = await resolveFileLocation(config, ctx);
    try {
      const storage = location.storage;
      if (storage instanceof S3DatasetStorage) {
        await storage.checkAccess().catch((error: unknown) => {
          throw error instanceof PlatformError ? error : new PlatformError('UNAUTHORIZED', describeS3Error(error));
        });
        const count = (await location.list()).length;
        return { ok: true, message: `bucket ${storage.bucket} is reachable; ${count} matching file(s) under ${storage.description}` };
      }
      const root = (storage as LocalDatasetStorage).root;
      const info = await stat(root).catch(() => undefined);
      if (info?.isDirectory()) {
        const count = (await location.list()).length;
        return { ok: true, message: `folder ${root} exists; ${count} matching file(s)` };
      }
      if (info) throw new PlatformError('VALIDATION_ERROR', `${root} is a file, not a folder`);
      const ancestor = await nearestExisting(root);
      try {
        await access(ancestor, constants.W_OK);
      } catch {
        throw new PlatformError('NOT_FOUND', `folder ${root} does not exist and cannot be created (${ancestor} is not writable)`);
      }
      return { ok: true, message: `folder ${root} does not exist yet; it will be created when written to` };
    } finally {
      location.storage.close?.();
    }
  },

  async discover(ctx) {
    const config = parseFileConfig(ctx.config);
    return withSession(ctx, async (session) => {
      const location = await resolveFileLocation(config, ctx);
      const { format, files } = await resolveSourceFiles(location, config).finally(() => location.storage.close?.());
      if (files.length > DISCOVER_FILE_LIMIT) ctx.log.warn(`discovering the first ${DISCOVER_FILE_LIMIT} of ${files.length} files`);
      const relations: DiscoveredRelation[] = [];
      for (const file of files.slice(0, DISCOVER_FILE_LIMIT)) {
        ctx.signal.throwIfAborted();
        const scan = await scanSourceFiles(config, format, [file], { ...ctx, duck: session });
        try {
          relations.push({ name: file.name, columns: await session.describe(scan.sql) });
        } finally {
          await scan.cleanup?.();
        }
      }
      return relations;
    });
  },

  async scan(ctx) {
    const scan = await scanFiles(parseFileConfig(ctx.config), ctx);
    ctx.log.info(`reading ${scan.files.length} ${scan.format} file(s)`);
    return {
      sql: scan.sql,
      rejectsSql: scan.rejectsSql,
      cleanup: scan.cleanup,
      ...(scan.rows !== undefined ? { rows: scan.rows } : {}),
      ...(scan.inPlace ? { inPlaceFiles: scan.files.map((f) => f.path) } : { notInPlace: scan.notInPlace ?? 'its files cannot be read in place' }),
    };
  },

  async *read(ctx) {
    const config = parseFileConfig(ctx.config);
    const duck = await DuckDb.create({ tempDir: path.join(ctx.tempDir, 'duckdb') });
    const session = await duck.session();
    try {
      const scan = await scanFiles(config, { ...ctx, duck: session });
      try {
        for await (const batch of session.stream(scan.sql)) {
          ctx.signal.throwIfAborted();
          yield batch;
        }
        if (scan.rejectsSql) {
          const rejects = await session.all(`SELECT count(*) AS n FROM (${scan.rejectsSql})`);
          const count = Number(rejects[0]?.n ?? 0);
          if (count > 0) ctx.log.warn(`${count} line(s) could not be read and were skipped`);
        }
      } finally {
        await scan.cleanup?.();
      }
    } finally {
      session.close();
      duck.close();
    }
  },

  async copy(ctx) {
    return copyToFiles(parseFileConfig(ctx.config), ctx);
  },
};

/** Runs `work` on a DuckDB session of its own, for methods that get no session from the caller. */
async function withSession<T>(ctx: ConnectorContext<unknown>, work: (session: DuckSession) => Promise<T>): Promise<T> {
  const duck = await DuckDb.create({ tempDir: path.join(ctx.tempDir, 'duckdb') });
  const session = await duck.session();
  try {
    return await work(session);
  } finally {
    session.close();
    duck.close();
  }
}

/** The closest folder that exists at or above `dir`. */
async function nearestExisting(dir: string): Promise<string> {
  let current = dir;
  while (!(await stat(current).catch(() => undefined))) {
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}
