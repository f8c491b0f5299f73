/**
 * Reads a pipeline file: YAML (.yaml/.yml), JSON, or a TypeScript/JavaScript module whose
 * default export (or `pipeline` export) is a definePipeline(...) object.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../errors.ts';
import { MAX_SPEC_BYTES, parseYamlMapping } from './yaml-source.ts';

export interface RawSpecFile {
  raw: unknown;
  /** Absolute path of the file. */
  sourcePath: string;
  format: 'yaml' | 'json' | 'module';
  /** The file's text (for YAML and JSON), to show the spec as written. */
  text?: string;
}

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** Loads the raw spec of a file; the caller validates it. Errors name the file. */
export async function loadSpecFile(file: string): Promise<RawSpecFile> {
  const sourcePath = path.resolve(file);
  const info = await stat(sourcePath).catch(() => undefined);
  if (!info?.isFile()) throw new ValidationError(`pipeline file not found: ${file}`, [], 'SPEC_INVALID');
  const ext = path.extname(sourcePath).toLowerCase();
  if (MODULE_EXTENSIONS.has(ext)) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(sourcePath).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ValidationError(`${file}: cannot load module: ${(error as Error).message}`, [], 'SPEC_INVALID');
    }
    const raw = mod.default ?? mod.pipeline;
    if (!raw || typeof raw !== 'object') {
      throw new ValidationError(`${file}: expected a default export (or a 'pipeline' export) made with definePipeline({...})`, [], 'SPEC_INVALID');
    }
    return { raw, sourcePath, format: 'module' };
  }
  if (info.size > MAX_SPEC_BYTES) {
    throw new ValidationError(`${file}: file is ${info.size} bytes, over the ${MAX_SPEC_BYTES}-byte limit for specs`, [], 'YAML_INVALID');
  }
  const text = await readFile(sourcePath, 'utf8');
  if (ext === '.json') {
    try {
      return { raw: JSON.parse(text) as unknown, sourcePath, format: 'json', text };
    } catch (error) {
      throw new ValidationError(`${file}: invalid JSON: ${(error as Error).message}`, [], 'SPEC_INVALID');
    }
  }
  if (ext !== '.yaml' && ext !== '.yml') {
    throw new ValidationError(`${file}: unsupported pipeline file type '${ext}' (use .yaml, .yml, .json, .ts or .js)`, [], 'SPEC_INVALID');
  }
  return { raw: parseYamlMapping(text, file), sourcePath, format: 'yaml', text };
}
