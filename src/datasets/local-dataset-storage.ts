/**
 * Dataset files in a local folder (default `${DATADOG_HOME}/data`), or a shared mount when
 * several machines run tasks.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError } from '../core/errors.ts';
import type { DatasetObject, DatasetStorage, ListOptions } from './dataset-storage.ts';
import { normaliseDatasetKey } from './dataset-key.ts';

// In-flight copies are hidden under this name so that `list` never reports a partial file.
const TEMP_MARK = '.dd-tmp-';

/** Stores dataset files below one root folder. */
export class LocalDatasetStorage implements DatasetStorage {
  readonly kind = 'local' as const;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get description(): string {
    return `local folder ${this.root}`;
  }

  /** The absolute path of a key (checked: it never leaves the root). */
  pathOf(key: string, allowEmpty = false): string {
    const normalised = normaliseDatasetKey(key, { allowEmpty });
    return normalised === '' ? this.root : path.join(this.root, ...normalised.split('/'));
  }

  async put(localFile: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await moveFile(localFile, target);
  }

  async putDirectory(localDir: string, prefix: string): Promise<string[]> {
    const base = normaliseDatasetKey(prefix, { allowEmpty: true });
    const keys: string[] = [];
    for (const rel of await walkFiles(localDir)) {
      const key = base === '' ? rel : `${base}/${rel}`;
      await this.put(path.join(localDir, ...rel.split('/')), key);
      keys.push(key);
    }
    return keys;
  }

  async materialize(keys: string[]): Promise<string[]> {
    return Promise.all(
      keys.map(async (key) => {
        const file = this.pathOf(key);
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) throw new NotFoundError('dataset file', this.url(key));
        return file;
      }),
    );
  }

  async delete(prefix: string): Promise<void> {
    const target = this.pathOf(prefix, true);
    if (target === this.root) {
      for (const entry of await readdir(this.root).catch(() => [])) await rm(path.join(this.root, entry), { recursive: true, force: true });
      return;
    }
    await rm(target, { recursive: true, force: true });
    await pruneEmptyParents(path.dirname(target), this.root);
  }

  async deleteKeys(keys: string[]): Promise<void> {
    for (const key of keys) {
      const target = this.pathOf(key);
      await rm(target, { force: true });
      await pruneEmptyParents(path.dirname(target), this.root);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<DatasetObject[]> {
    const base = normaliseDatasetKey(prefix, { allowEmpty: true });
    const target = this.pathOf(base, true);
    const info = await stat(target).catch(() => undefined);
    if (!info) return [];
    if (info.isFile()) return [{ key: base, size: info.size }];
    const objects: DatasetObject[] = [];
    for (const rel of await walkFiles(target, options.depth)) {
      const key = base === '' ? rel : `${base}/${rel}`;
      const size = (await stat(path.join(target, ...rel.split('/'))).catch(() => undefined))?.size;
      // A file removed while listing is simply not there any more.
      if (size !== undefined) objects.push({ key, size });
    }
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  url(key: string): string {
    return pathToFileURL(this.pathOf(key, true)).href;
  }
}

/**
 * Moves a file into place atomically: a rename, or across file systems a copy to a hidden
 * sibling then a rename, so readers see the old file or the new one, never half of one.
 */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const temp = path.join(path.dirname(to), `${TEMP_MARK}${randomUUID()}`);
    try {
      await copyFile(from, temp);
      await rename(temp, to);
    } finally {
      await rm(temp, { force: true });
    }
    await unlink(from);
  }
}

/**
 * Relative POSIX paths of the files below a folder, sorted, skipping in-flight temp files; at
 * most `depth` levels down, so that `data/*.csv` does not walk all of `data/archive/`.
 */
async function walkFiles(dir: string, depth = Infinity): Promise<string[]> {
  const files: string[] = [];
  const visit = async (rel: string, level: number): Promise<void> => {
    const entries = await readdir(rel === '' ? dir : path.join(dir, ...rel.split('/')), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      // A folder removed while walking is simply not there any more.
      if (error.code === 'ENOENT' || (error.code === 'ENOTDIR' && rel !== '')) return [];
      throw error;
    });
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (level < depth) await visit(child, level + 1);
      } else if (entry.isFile() && !entry.name.startsWith(TEMP_MARK)) {
        files.push(child);
      }
    }
  };
  await visit('', 1);
  return files.sort();
}

/** Removes folders left empty by a delete, up to (not including) the root. */
async function pruneEmptyParents(dir: string, root: string): Promise<void> {
  let current = dir;
  while (current.startsWith(root + path.sep)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = path.dirname(current);
  }
}
