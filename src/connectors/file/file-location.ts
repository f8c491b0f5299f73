/**
 * Where a file config points: a storage rooted at the path's fixed part (a local folder or an
 * S3 bucket prefix) and what below it belongs to the config (one file, a folder, or a glob).
 * Reading and writing then go through the dataset storage seam, the same for both places.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { ValidationError } from '../../core/errors.ts';
import type { DatasetObject, DatasetStorage } from '../../datasets/dataset-storage.ts';
import { LocalDatasetStorage } from '../../datasets/local-dataset-storage.ts';
import { S3DatasetStorage } from '../../datasets/s3-dataset-storage.ts';
import { isS3Url, parseS3Url } from '../../datasets/s3-url.ts';
import type { FileConfig, FileFormat } from './file-config.ts';
import { isDataFileName } from './file-format.ts';

export type LocationKind = 'file' | 'folder' | 'glob';

export interface FileLocation {
  readonly storage: DatasetStorage;
  readonly kind: LocationKind;
  /** `file`: the file's key; `glob`: the pattern below the root; `folder`: `''`. */
  readonly pattern: string;
  /** Whether a key below the root is one of this location's data files. */
  matches(key: string, format?: FileFormat): boolean;
  /** The files below the root that `matches` (any format), sorted by key. */
  list(): Promise<DatasetObject[]>;
  /** The path or URL of a key, for messages and the `source` of rejects. */
  describe(key: string): string;
  /** Whether the location is in S3 (files are staged through local copies). */
  readonly remote: boolean;
}

export interface LocationContext {
  readonly baseDir: string;
  readonly tempDir: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
}

/** Replaces `{{ params.name }}` in a path by the run param's value. */
export function renderPath(template: string, params: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, name: string) => {
    if (!Object.hasOwn(params, name)) throw new ValidationError(`unknown param '${name}' in path ${JSON.stringify(template)}`);
    const value = params[name];
    return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  });
}

/** Resolves a config's path into a location; the caller closes `location.storage`. */
export async function resolveFileLocation(config: FileConfig, ctx: LocationContext): Promise<FileLocation> {
  const raw = renderPath(config.path, ctx.params);
  if (isS3Url(raw)) return s3Location(config, raw, ctx);
  return localLocation(path.resolve(ctx.baseDir, raw), raw.endsWith('/'));
}

async function localLocation(absolute: string, folderHint: boolean): Promise<FileLocation> {
  const scan = picomatch.scan(absolute.split(path.sep).join('/'));
  if (scan.isGlob) {
    const root = scan.base === '' ? '/' : scan.base;
    return makeLocation(new LocalDatasetStorage(root), 'glob', scan.glob, (key) => path.join(root, key), false);
  }
  const info = await stat(absolute).catch(() => undefined);
  const isFolder = info ? info.isDirectory() : folderHint || !hasExtension(absolute);
  if (isFolder) return makeLocation(new LocalDatasetStorage(absolute), 'folder', '', (key) => path.join(absolute, key), false);
  const root = path.dirname(absolute);
  return makeLocation(new LocalDatasetStorage(root), 'file', path.basename(absolute), (key) => path.join(root, key), false);
}

function s3Location(config: FileConfig, url: string, ctx: LocationContext): FileLocation {
  const { bucket, key } = parseS3Url(url);
  const scan = picomatch.scan(key);
  let prefix: string;
  let kind: LocationKind;
  let pattern: string;
  if (scan.isGlob) {
    [prefix, kind, pattern] = [scan.base, 'glob', scan.glob];
  } else if (key === '' || key.endsWith('/') || !hasExtension(key)) {
    [prefix, kind, pattern] = [key, 'folder', ''];
  } else {
    const slash = key.lastIndexOf('/');
    [prefix, kind, pattern] = [slash < 0 ? '' : key.slice(0, slash), 'file', key.slice(slash + 1)];
  }
  const s3 = config.s3 ?? {};
  const storage = new S3DatasetStorage({
    bucket,
    prefix,
    endpoint: s3.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
    region: s3.region,
    accessKeyId: s3.access_key_id,
    secretAccessKey: s3.secret_access_key,
    sessionToken: s3.session_token,
    forcePathStyle: s3.force_path_style,
    cacheDir: path.join(ctx.tempDir, 's3-cache'),
    signal: ctx.signal,
  });
  return makeLocation(storage, kind, pattern, (k) => storage.url(k), true);
}

function makeLocation(storage: DatasetStorage, kind: LocationKind, pattern: string, describe: (key: string) => string, remote: boolean): FileLocation {
  // Hidden files and `_SUCCESS`-style markers are not data, in folders as in globs.
  const isMarker = (key: string) => key.split('/').some((segment) => segment.startsWith('.') || segment.startsWith('_'));
  const glob = kind === 'glob' ? picomatch(pattern) : undefined;
  // A glob without `**` reaches only as deep as its own folders.
  const depth = kind === 'glob' && !pattern.includes('**') ? pattern.split('/').length : undefined;
  const location: FileLocation = {
    storage,
    kind,
    pattern,
    remote,
    describe,
    matches(key, format) {
      if (kind === 'file') return key === pattern;
      if (isMarker(key)) return false;
      if (glob) return glob(key);
      return isDataFileName(key, format);
    },
    async list() {
      const objects = await storage.list(kind === 'file' ? pattern : '', { depth });
      return objects.filter((o) => location.matches(o.key));
    },
  };
  return location;
}

/** `report.csv`, `data.v2`: a name with an extension is taken for a file unless it is a folder. */
function hasExtension(name: string): boolean {
  return /^[^.].*\.[A-Za-z0-9]+$/.test(name.split('/').filter(Boolean).pop() ?? '');
}
