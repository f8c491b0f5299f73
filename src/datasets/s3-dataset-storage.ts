/**
 * Dataset files in an S3 bucket under a prefix (AWS S3 or a compatible store: MinIO, s3rver).
 * DuckDB cannot read S3 here (no httpfs), so `materialize` downloads objects into a local
 * cache, keyed by the object's ETag and size so a changed object is fetched again.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { NotFoundError, PlatformError, messageOf } from '../core/errors.ts';
import type { DatasetObject, DatasetStorage, ListOptions } from './dataset-storage.ts';
import { isUnderPrefix, joinDatasetKey, normaliseDatasetKey } from './dataset-key.ts';
import { uploadFile } from './s3-upload.ts';

export interface S3DatasetStorageOptions {
  bucket: string;
  /** Key prefix every dataset key is stored under (no leading or trailing `/` needed). */
  prefix?: string;
  /** Endpoint of an S3-compatible store, e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Default AWS_REGION, else us-east-1. */
  region?: string;
  /** Default true when `endpoint` is set: compatible stores rarely serve bucket subdomains. */
  forcePathStyle?: boolean;
  /** Explicit credentials; without them the AWS SDK's chain is used (env, profile, role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Folder that `materialize` downloads into. */
  cacheDir: string;
  /** Multipart upload part size (default 64 MiB). */
  partSize?: number;
  /** Most transfers running at once (default 8). */
  concurrency?: number;
  /** Aborts transfers in flight when fired. */
  signal?: AbortSignal;
}

/** Stores dataset files as objects under `s3://bucket/prefix/`. */
export class S3DatasetStorage implements DatasetStorage {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly options: S3DatasetStorageOptions;
  /** ETags seen by `list`, so that `materialize` right after a listing needs no HeadObject. */
  private readonly etags = new Map<string, { etag: string; size: number }>();

  constructor(options: S3DatasetStorageOptions) {
    this.options = options;
    this.bucket = options.bucket;
    this.prefix = normaliseDatasetKey(options.prefix ?? '', { allowEmpty: true });
    const config: S3ClientConfig = {
      region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    };
    if (options.endpoint) {
      config.endpoint = options.endpoint;
      // Compatible stores do not understand the SDK's default trailing checksums (aws-chunked bodies).
      config.requestChecksumCalculation = 'WHEN_REQUIRED';
      config.responseChecksumValidation = 'WHEN_REQUIRED';
    }
    if (options.accessKeyId && options.secretAccessKey) {
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, sessionToken: options.sessionToken };
    }
    this.client = new S3Client(config);
  }

  get description(): string {
    return `s3://${this.bucket}/${this.prefix === '' ? '' : `${this.prefix}/`}`;
  }

  /** The full object key of a dataset key. */
  objectKey(key: string, allowEmpty = false): string {
    return joinDatasetKey(this.prefix, normaliseDatasetKey(key, { allowEmpty }));
  }

  /** Checks that the bucket exists and the credentials may use it. */
  async checkAccess(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: this.options.signal });
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) throw new NotFoundError('S3 bucket', this.bucket);
      throw new PlatformError('UNAUTHORIZED', `cannot reach S3 bucket '${this.bucket}': ${describeS3Error(error)}`, undefined, { cause: error });
    }
  }

  async put(localFile: string, key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await uploadFile({ client: this.client, bucket: this.bucket, key: objectKey, file: localFile, partSize: this.options.partSize, signal: this.options.signal });
    this.etags.delete(objectKey);
  }

  async putDirectory(localDir: string, prefix: string): Promise<string[]> {
    const base = normaliseDatasetKey(prefix, { allowEmpty: true });
    const entries = await readdir(localDir, { recursive: true, withFileTypes: true });
    const rels = entries
      .filter((e) => e.isFile())
      .map((e) => {
        const parent = (e as unknown as { parentPath?: string; path?: string }).parentPath ?? (e as unknown as { path: string }).path;
        return path.relative(localDir, path.join(parent, e.name)).split(path.sep).join('/');
      })
      .sort();
    const keys = rels.map((rel) => joinDatasetKey(base, rel));
    await this.forEachLimited(rels, (rel, i) => this.put(path.join(localDir, ...rel.split('/')), keys[i] as string));
    return keys;
  }

  async materialize(keys: string[]): Promise<string[]> {
    const paths: string[] = new Array<string>(keys.length);
    await this.forEachLimited(keys, async (key, i) => {
      paths[i] = await this.download(key);
    });
    return paths;
  }

  async delete(prefix: string): Promise<void> {
    const keys = (await this.list(prefix)).map((o) => this.objectKey(o.key));
    await this.deleteObjects(keys);
  }

  /** Deletes exactly these dataset keys (no prefix matching). */
  async deleteKeys(keys: string[]): Promise<void> {
    await this.deleteObjects(keys.map((k) => this.objectKey(k)));
  }

  async list(prefix: string, options: ListOptions = {}): Promise<DatasetObject[]> {
    const base = normaliseDatasetKey(prefix, { allowEmpty: true });
    const full = this.objectKey(base, true);
    // Listing `full` as a string prefix also returns `full2/...`; those are filtered out below.
    // The root's own files are S3's delimiter listing; other depth limits are filtered here.
    const shallow = options.depth === 1 && base === '';
    const listPrefix = shallow ? (full === '' ? undefined : `${full}/`) : full === '' ? undefined : full;
    const depth = options.depth ?? Infinity;
    const objects: DatasetObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, Delimiter: shallow ? '/' : undefined, ContinuationToken: token }),
        { abortSignal: this.options.signal },
      );
      for (const item of page.Contents ?? []) {
        // Keys ending in `/` are folder markers some tools create, not files.
        if (!item.Key || item.Key.endsWith('/')) continue;
        if (this.prefix !== '' && !item.Key.startsWith(`${this.prefix}/`)) continue;
        const key = this.prefix === '' ? item.Key : item.Key.slice(this.prefix.length + 1);
        if (!isUnderPrefix(key, base)) continue;
        if (key.slice(base === '' ? 0 : base.length + 1).split('/').length > depth) continue;
        const size = item.Size ?? 0;
        if (item.ETag) this.etags.set(item.Key, { etag: item.ETag, size });
        objects.push({ key, size });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  url(key: string): string {
    const full = this.objectKey(key, true);
    return `s3://${this.bucket}/${full}`;
  }

  close(): void {
    this.client.destroy();
  }

  /** Downloads one object into the cache unless an identical copy is there; returns its path. */
  private async download(key: string): Promise<string> {
    const objectKey = this.objectKey(key);
    let meta = this.etags.get(objectKey);
    if (!meta) {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }), { abortSignal: this.options.signal });
        meta = { etag: head.ETag ?? '', size: head.ContentLength ?? 0 };
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) throw new NotFoundError('S3 object', this.url(key));
        throw error;
      }
    }
    // The key's own path is kept below the hashed folder: DuckDB infers compression from the
    // extension and hive partitions from `name=value/` folders.
    const digest = createHash('sha256').update(`${this.bucket}\n${objectKey}\n${meta.etag}\n${meta.size}`).digest('hex').slice(0, 20);
    const target = path.join(this.options.cacheDir, digest, ...objectKey.split('/'));
    const cached = await stat(target).catch(() => undefined);
    if (cached?.isFile() && cached.size === meta.size) return target;
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.part-${randomUUID()}`;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }), { abortSignal: this.options.signal });
      if (!object.Body) throw new PlatformError('INTERNAL', `S3 returned no body for ${this.url(key)}`);
      await pipeline(object.Body as Readable, createWriteStream(partial));
      await rename(partial, target);
    } finally {
      await rm(partial, { force: true });
    }
    return target;
  }

  private async deleteObjects(objectKeys: string[]): Promise<void> {
    for (let i = 0; i < objectKeys.length; i += 1000) {
      const batch = objectKeys.slice(i, i + 1000);
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        { abortSignal: this.options.signal },
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new PlatformError('INTERNAL', `could not delete ${failed.length} S3 object(s) in ${this.bucket}: ${failed.slice(0, 3).map((e) => `${e.Key}: ${e.Message ?? e.Code}`).join('; ')}`);
      }
      for (const key of batch) this.etags.delete(key);
    }
  }

  /** Runs `work` over the items with at most `concurrency` at once; the first failure wins. */
  private async forEachLimited<T>(items: T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    };
    const count = Math.min(items.length, this.options.concurrency ?? 8);
    await Promise.all(Array.from({ length: count }, worker));
  }
}

/** A one-line reason for an S3 failure (the SDK's errors often have an empty message). */
export function describeS3Error(error: unknown): string {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const message = messageOf(error);
  const status = e.$metadata?.httpStatusCode;
  return [e.name && e.name !== 'Error' ? e.name : undefined, message && message !== 'UnknownError' ? message : undefined, status ? `HTTP ${status}` : undefined]
    .filter(Boolean)
    .join(': ');
}
