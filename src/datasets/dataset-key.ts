/**
 * Dataset keys: the POSIX relative paths (`orders/run-12/part-0.parquet`) that name files in a
 * dataset storage. Both storages check keys here, so a key can never climb out of its root.
 */
import { ValidationError } from '../core/errors.ts';

export interface DatasetKeyOptions {
  /** Accept the empty key, meaning the storage root (for `list` and `delete`). */
  allowEmpty?: boolean;
}

/**
 * Checks and normalises a key: `./a//b/` gives `a/b`; absolute paths, `..` segments, backslashes
 * and NUL bytes are refused.
 *
 * @example normaliseDatasetKey('orders/./part-0.parquet') // 'orders/part-0.parquet'
 */
export function normaliseDatasetKey(key: string, options: DatasetKeyOptions = {}): string {
  const refuse = (why: string): never => {
    throw new ValidationError(`invalid dataset key ${JSON.stringify(key)}: ${why}`);
  };
  if (key.includes('\u0000')) refuse('it contains a NUL byte');
  // A backslash is a separator on Windows and would let `a\..\..` slip past the segment check.
  if (key.includes('\\')) refuse('use / as the separator');
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) refuse('keys are relative paths');
  const segments = key.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) refuse("'..' is not allowed");
  const normalised = segments.join('/');
  if (normalised === '' && !options.allowEmpty) refuse('it is empty');
  return normalised;
}

/** Joins a prefix and a key with one `/` (either may be empty). */
export function joinDatasetKey(prefix: string, key: string): string {
  if (prefix === '') return key;
  if (key === '') return prefix;
  return `${prefix}/${key}`;
}

/** Whether `key` is `prefix` itself or lies under `prefix/` (the empty prefix holds every key). */
export function isUnderPrefix(key: string, prefix: string): boolean {
  return prefix === '' || key === prefix || key.startsWith(`${prefix}/`);
}
