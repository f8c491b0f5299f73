/**
 * `dbt_project.yml`: the project's name, profile, folders and vars, and the folder-level configs
 * under `models:`, `seeds:` and `tests:` (`+materialized: table` or `materialized: table`; a
 * mapping whose key is not a config is a sub-folder).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { parseYamlMapping } from '../core/spec/yaml-source.ts';
import { zodIssues } from '../core/zod-issues.ts';
import { isMapping, mergeConfig, normalizeConfigKey, type NodeConfig } from './node-config.ts';

/** What the runner reads of dbt_project.yml. */
export interface ProjectConfig {
  name: string;
  profile: string;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  /** Where compiled SQL goes, relative to the project (default `target`). */
  targetPath: string;
  /** Project vars: global ones, overlaid with those scoped under the project's name. */
  vars: Record<string, unknown>;
  models: unknown;
  seeds: unknown;
  tests: unknown;
  onRunStart: string[];
  onRunEnd: string[];
}

const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const projectSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and _ (a dbt project name)'),
    profile: z.string().optional(),
    'model-paths': stringList.optional(),
    'source-paths': stringList.optional(),
    'seed-paths': stringList.optional(),
    'data-paths': stringList.optional(),
    'macro-paths': stringList.optional(),
    'test-paths': stringList.optional(),
    'target-path': z.string().optional(),
    vars: z.record(z.string(), z.unknown()).nullish(),
    models: z.unknown().optional(),
    seeds: z.unknown().optional(),
    tests: z.unknown().optional(),
    data_tests: z.unknown().optional(),
    'on-run-start': stringList.optional(),
    'on-run-end': stringList.optional(),
  })
  .passthrough();

/** Keys whose values are mappings but still configs, not folders. */
const MAPPING_CONFIGS = new Set(['meta', 'column_types', 'persist_docs', 'docs', 'grants', 'contract', 'labels']);
/** Hooks are rendered when they run, with the node they run for, not when the file is read. */
const UNRENDERED = new Set(['pre-hook', 'post-hook', '+pre-hook', '+post-hook', 'pre_hook', 'post_hook', 'on-run-start', 'on-run-end']);

/**
 * Reads and checks dbt_project.yml. `render` renders Jinja in its string values (`env_var`,
 * `var` of the command line), as dbt does.
 */
export async function readProjectConfig(projectDir: string, render: (text: string) => string): Promise<ProjectConfig> {
  const file = path.join(projectDir, 'dbt_project.yml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ValidationError(`not a dbt project: ${file} not found (use --project-dir)`);
  });
  const parsed = projectSchema.safeParse(renderValues(parseYamlMapping(text, 'dbt_project.yml'), render));
  if (!parsed.success) throw new ValidationError('dbt_project.yml is invalid', zodIssues(parsed.error));
  const raw = parsed.data;
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.vars ?? {})) if (!(key === raw.name && isMapping(value))) vars[key] = value;
  const scoped = raw.vars?.[raw.name];
  if (isMapping(scoped)) Object.assign(vars, scoped);
  return {
    name: raw.name,
    profile: raw.profile ?? raw.name,
    modelPaths: raw['model-paths'] ?? raw['source-paths'] ?? ['models'],
    seedPaths: raw['seed-paths'] ?? raw['data-paths'] ?? ['seeds'],
    macroPaths: raw['macro-paths'] ?? ['macros'],
    testPaths: raw['test-paths'] ?? ['tests'],
    targetPath: raw['target-path'] ?? 'target',
    vars,
    models: raw.models,
    seeds: raw.seeds,
    tests: raw.data_tests ?? raw.tests,
    onRunStart: raw['on-run-start'] ?? [],
    onRunEnd: raw['on-run-end'] ?? [],
  };
}

function renderValues(value: unknown, render: (text: string) => string, key?: string): unknown {
  if (key !== undefined && UNRENDERED.has(key)) return value;
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((v) => renderValues(v, render));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValues(v, render, k)]));
  return value;
}

function isConfigKey(key: string, value: unknown): boolean {
  if (key.startsWith('+')) return true;
  return !isMapping(value) || MAPPING_CONFIGS.has(normalizeConfigKey(key));
}

function applyLevel(config: NodeConfig, level: Record<string, unknown>, skip?: string): NodeConfig {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) if (key !== skip && isConfigKey(key, value)) patch[key] = value;
  return mergeConfig(config, patch);
}

/**
 * The config a folder tree gives a node: the top level, then the project's level, then each
 * folder along `parts` (folders then the node's own name), deeper levels winning.
 */
export function folderConfig(tree: unknown, projectName: string, parts: readonly string[]): NodeConfig {
  if (!isMapping(tree)) return {};
  let config = applyLevel({}, tree, projectName);
  const top: unknown = tree[projectName];
  if (!isMapping(top)) return config;
  let level: Record<string, unknown> = top;
  config = applyLevel(config, level);
  for (const part of parts) {
    const next: unknown = level[part];
    if (!isMapping(next) || isConfigKey(part, next)) break;
    level = next;
    config = applyLevel(config, next);
  }
  return config;
}
