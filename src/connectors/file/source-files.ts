/**
 * The files a source config reads, as local paths DuckDB can open: local files in place, S3
 * objects downloaded into the call's temp folder.
 */
import { NotFoundError } from '../../core/errors.ts';
import type { FileConfig, FileFormat } from './file-config.ts';
import { resolveFormat } from './file-format.ts';
import type { FileLocation } from './file-location.ts';

/** One file to read. */
export interface SourceFile {
  /** A local path DuckDB reads. */
  path: string;
  /** The file as the user knows it (local path or `s3://` URL), for rejects and discovery. */
  name: string;
  /** The key below the location's root. */
  key: string;
  size: number;
}

/**
 * The location's files (keys below its root, sorted) and their format, without fetching them.
 * A path matching nothing is an error: a typo in a glob should not pass for an empty source.
 */
export async function listSourceKeys(location: FileLocation, config: FileConfig): Promise<{ format: FileFormat; objects: Array<{ key: string; size: number }> }> {
  const all = await location.list();
  if (all.length === 0) throw new NotFoundError('files matching', location.describe(location.pattern));
  const format = resolveFormat(config, all.map((o) => o.key));
  // In a folder, only files of the format belong to the source (not a stray README.txt).
  const objects = location.kind === 'folder' ? all.filter((o) => location.matches(o.key, format)) : all;
  if (objects.length === 0) throw new NotFoundError(`${format} files in`, location.describe(''));
  return { format, objects };
}

/** Lists and fetches the location's files. */
export async function resolveSourceFiles(location: FileLocation, config: FileConfig): Promise<{ format: FileFormat; files: SourceFile[] }> {
  const { format, objects } = await listSourceKeys(location, config);
  const paths = await location.storage.materialize(objects.map((o) => o.key));
  return { format, files: objects.map((o, i) => ({ path: paths[i] as string, name: location.describe(o.key), key: o.key, size: o.size })) };
}
