/**
 * The storage seam for dataset files: where published Parquet files (and the file connector's
 * files) live. A local folder by default; S3 when several machines share the data.
 *
 * Keys are POSIX relative paths under the storage's root (`orders/run-12/part-0.parquet`).
 * DuckDB reads only local files here (its httpfs extension cannot be installed), so S3 objects
 * are staged through a local cache by `materialize`.
 */
import path from 'node:path';
import { LocalDatasetStorage } from './local-dataset-storage.ts';
import { S3DatasetStorage } from './s3-dataset-storage.ts';
import { isS3Url, parseS3Url } from './s3-url.ts';
import { ValidationError } from '../core/errors.ts';
import { fileURLToPath } from 'node:url';

/** One stored file. */
export interface DatasetObject {
  key: string;
  size: number;
}

export interface ListOptions {
  /** Only files at most this many folders deep below the prefix (1: the prefix's own files). */
  depth?: number;
}

export interface DatasetStorage {
  readonly kind: 'local' | 's3';
  /** Where the files live, for logs and the UI (`local folder /x`, `s3://bucket/prefix`). */
  readonly description: string;
  /**
   * Stores a local file under `key`, replacing any file there; readers never see a partial file.
   * The local file is handed over: a local storage moves it into place.
   */
  put(localFile: string, key: string): Promise<void>;
  /** Stores every file below `localDir` under `prefix` (keeping relative paths); returns the keys written. */
  putDirectory?(localDir: string, prefix: string): Promise<string[]>;
  /**
   * Local paths DuckDB can read, one per key and in the same order: a local storage gives its
   * own paths, S3 downloads into a cache (reused while the object's ETag and size are unchanged).
   */
  materialize(keys: string[]): Promise<string[]>;
  /** Deletes the file `prefix` and every file under `prefix/` (`''` deletes everything). */
  delete(prefix: string): Promise<void>;
  /** Deletes exactly these files, in bulk where the store allows (missing ones are ignored). */
  deleteKeys?(keys: string[]): Promise<void>;
  /** Files that are `prefix` or lie under `prefix/`, sorted by key (`''` lists everything). */
  list(prefix: string, options?: ListOptions): Promise<DatasetObject[]>;
  /** A URL naming the file: `file:///...` or `s3://bucket/...`. */
  url(key: string): string;
  /** Releases connections (S3 sockets); the storage is not used afterwards. */
  close?(): void;
}

/** How to build the platform's dataset storage. */
export interface DatasetStorageConfig {
  /** `file:///abs/folder`, a plain path, or `s3://bucket/prefix`; default `${home}/data`. */
  url?: string;
  /** S3 endpoint for S3-compatible stores (MinIO, s3rver); default AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL. */
  endpoint?: string;
  region?: string;
  /** Explicit S3 credentials; otherwise the AWS SDK's chain (AWS_ACCESS_KEY_ID, profiles, roles). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Path-style bucket URLs; default true when an endpoint is set. */
  forcePathStyle?: boolean;
  /** DATADOG_HOME: the default local root and the S3 download cache live below it. */
  home: string;
  /** Where S3 objects are downloaded for DuckDB; default `${home}/cache/s3`. */
  cacheDir?: string;
}

/**
 * Builds the storage a config names.
 *
 * @example
 * createDatasetStorage({ home: '/srv/datadog' }) // local folder /srv/datadog/data
 * createDatasetStorage({ home, url: 's3://lake/datasets', endpoint: 'http://127.0.0.1:9000' })
 */
export function createDatasetStorage(config: DatasetStorageConfig): DatasetStorage {
  const url = config.url ?? path.join(config.home, 'data');
  if (isS3Url(url)) {
    const { bucket, key } = parseS3Url(url);
    const endpoint = config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    return new S3DatasetStorage({
      bucket,
      prefix: key,
      endpoint,
      region: config.region,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      sessionToken: config.sessionToken,
      forcePathStyle: config.forcePathStyle,
      cacheDir: config.cacheDir ?? path.join(config.home, 'cache', 's3'),
    });
  }
  if (/^file:/i.test(url)) return new LocalDatasetStorage(fileURLToPath(url));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new ValidationError(`unsupported dataset storage URL ${JSON.stringify(url)}: use a path, file:///... or s3://bucket/prefix`);
  return new LocalDatasetStorage(path.resolve(config.home, url));
}
