/**
 * `s3://bucket/prefix` locations, as written in connector paths and the dataset storage URL.
 */
import { ValidationError } from '../core/errors.ts';

/** A parsed `s3://` URL; `key` is the rest of the path without leading `/` (may be empty). */
export interface S3Url {
  bucket: string;
  key: string;
}

/** Whether a path is an `s3://` URL rather than a local path. */
export function isS3Url(value: string): boolean {
  return /^s3:\/\//i.test(value);
}

/**
 * Splits `s3://bucket/a/b.csv` into `{ bucket: 'bucket', key: 'a/b.csv' }`. A trailing `/`
 * is kept on the key, since it tells a folder from a file.
 *
 * @example parseS3Url('s3://lake/raw/*.json') // { bucket: 'lake', key: 'raw/*.json' }
 */
export function parseS3Url(url: string): S3Url {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (!match?.[1]) throw new ValidationError(`invalid S3 URL ${JSON.stringify(url)}: expected s3://bucket/prefix`);
  const bucket = match[1];
  // Bucket names: 3-63 lower-case letters, digits, dots and hyphens (S3's own rule).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ValidationError(`invalid S3 bucket name ${JSON.stringify(bucket)} in ${JSON.stringify(url)}`);
  }
  return { bucket, key: match[2] ?? '' };
}
