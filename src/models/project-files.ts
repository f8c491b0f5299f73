/**
 * The files of a dbt project by role, as project-relative paths with `/` separators: models and
 * properties files under the model paths, CSVs under the seed paths, macros (and generic test
 * definitions under `tests/generic/`), singular tests, and docs (`.md`).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from './project-config.ts';

/** Project-relative paths of a project's files, by role. */
export interface ProjectFiles {
  models: string[];
  properties: string[];
  docs: string[];
  seeds: string[];
  macros: string[];
  singularTests: string[];
}

/** Folders never read: build output, installed packages, hidden folders. */
const SKIPPED = new Set(['target', 'dbt_packages', 'dbt_modules', 'logs', 'node_modules']);

async function walk(projectDir: string, folder: string): Promise<string[]> {
  const root = path.join(projectDir, folder);
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(projectDir, absolute).split(path.sep).join('/');
    const inside = path.relative(root, absolute).split(path.sep);
    if (inside.some((part) => part.startsWith('.') || SKIPPED.has(part))) continue;
    files.push(relative);
  }
  return files.sort();
}

const ext = (file: string, ...exts: string[]) => exts.some((e) => file.toLowerCase().endsWith(e));

/** Lists the project's files by role. */
export async function listProjectFiles(projectDir: string, config: ProjectConfig): Promise<ProjectFiles> {
  const under = async (folders: string[]) => (await Promise.all(folders.map((f) => walk(projectDir, f)))).flat();
  const modelFiles = await under(config.modelPaths);
  const seedFiles = await under(config.seedPaths);
  const macroFiles = await under(config.macroPaths);
  const testFiles = await under(config.testPaths);
  const isGenericDefinition = (file: string) => config.testPaths.some((t) => file.startsWith(`${t.replace(/\/$/, '')}/generic/`));
  return {
    models: modelFiles.filter((f) => ext(f, '.sql')),
    properties: [...modelFiles, ...seedFiles].filter((f) => ext(f, '.yml', '.yaml')),
    docs: [...modelFiles, ...macroFiles].filter((f) => ext(f, '.md')),
    seeds: seedFiles.filter((f) => ext(f, '.csv')),
    macros: [...macroFiles.filter((f) => ext(f, '.sql')), ...testFiles.filter((f) => ext(f, '.sql') && isGenericDefinition(f))],
    singularTests: testFiles.filter((f) => ext(f, '.sql') && !isGenericDefinition(f)),
  };
}

/** The folders of a file below the path it was found under: `models/staging/x.sql` gives `['staging']`. */
export function foldersBelow(file: string, roots: readonly string[]): string[] {
  const root = roots.map((r) => r.replace(/\/$/, '')).find((r) => file.startsWith(`${r}/`));
  const rest = root === undefined ? file : file.slice(root.length + 1);
  return rest.split('/').slice(0, -1);
}

/** A file's name without its extension. */
export function baseName(file: string): string {
  return path.posix.basename(file).replace(/\.[^.]*$/, '');
}
