/**
 * profiles.yml: where a project's models are built. Looked up in `--profiles-dir`, then
 * DBT_PROFILES_DIR, then the project folder, then `~/.dbt/`. String values may use
 * `{{ env_var('NAME', 'default') }}`. Targets of type `duckdb` (path, schema) and `postgres`
 * (host, port, user, password, dbname, schema).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { parseYamlMapping } from '../core/spec/yaml-source.ts';
import { zodIssues } from '../core/zod-issues.ts';
import type { AdapterType } from './adapters/model-adapter.ts';
import { isMapping } from './node-config.ts';

/** The target a build writes to, as `target` in templates sees it (plus connection details). */
export interface TargetConfig {
  /** The output's name in the profile (`dev`, `pg`, ...). */
  name: string;
  profileName: string;
  type: AdapterType;
  schema: string;
  /** The database name as templates see it (`target.database`). */
  database: string;
  threads: number;
  /** DuckDB: the absolute database file, or `:memory:`. */
  path?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  dbname?: string;
  /** The profiles.yml it came from. */
  profilesFile: string;
}

const port = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

const outputSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('duckdb'),
      path: z.string().default(':memory:'),
      schema: z.string().min(1).default('main'),
      threads: z.number().int().positive().default(1),
    })
    .passthrough(),
  z
    .object({
      type: z.literal('postgres'),
      host: z.string().min(1).default('localhost'),
      port: port.default(5432),
      user: z.string().min(1),
      password: z.string().optional(),
      pass: z.string().optional(),
      dbname: z.string().min(1).optional(),
      database: z.string().min(1).optional(),
      schema: z.string().min(1).default('public'),
      threads: z.number().int().positive().default(1),
    })
    .passthrough(),
]);

/** Where to look for profiles.yml and which output to use. */
export interface LoadTargetOptions {
  projectDir: string;
  profileName: string;
  target?: string;
  profilesDir?: string;
  env: NodeJS.ProcessEnv;
  /** Renders Jinja in a string value (only `env_var` is meaningful there). */
  render: (text: string, file: string) => string;
}

/** Finds profiles.yml and resolves the target. */
export async function loadTarget(options: LoadTargetOptions): Promise<TargetConfig> {
  const dirs = [options.profilesDir, options.env.DBT_PROFILES_DIR, options.projectDir, path.join(os.homedir(), '.dbt')].filter((d): d is string => Boolean(d));
  let file: string | undefined;
  let text: string | undefined;
  for (const dir of options.profilesDir ? [options.profilesDir] : dirs) {
    const candidate = path.resolve(options.projectDir, dir, 'profiles.yml');
    text = await readFile(candidate, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      file = candidate;
      break;
    }
  }
  if (file === undefined || text === undefined) {
    throw new ValidationError(`no profiles.yml found for profile '${options.profileName}' (looked in ${dirs.join(', ')})`);
  }
  const profiles = parseYamlMapping(text, file);
  const profile = profiles[options.profileName];
  if (!isMapping(profile) || !isMapping(profile.outputs)) {
    throw new ValidationError(`${file}: profile '${options.profileName}' not found or has no outputs`);
  }
  const targetName = options.target ?? (typeof profile.target === 'string' ? options.render(profile.target, file) : 'dev');
  const rawOutput = profile.outputs[targetName];
  if (!isMapping(rawOutput)) {
    throw new ValidationError(`${file}: profile '${options.profileName}' has no target '${targetName}' (targets: ${Object.keys(profile.outputs).join(', ')})`);
  }
  const rendered = Object.fromEntries(Object.entries(rawOutput).map(([k, v]) => [k, typeof v === 'string' ? options.render(v, file) : v]));
  const parsed = outputSchema.safeParse(rendered);
  if (!parsed.success) throw new ValidationError(`${file}: target '${targetName}' of profile '${options.profileName}' is invalid`, zodIssues(parsed.error, `${options.profileName}.outputs.${targetName}`));
  const output = parsed.data;
  const base = { name: targetName, profileName: options.profileName, schema: output.schema, threads: output.threads, profilesFile: file };
  if (output.type === 'duckdb') {
    const dbPath = output.path === ':memory:' ? output.path : path.resolve(options.projectDir, output.path);
    return { ...base, type: 'duckdb', path: dbPath, database: output.path === ':memory:' ? 'memory' : path.basename(dbPath).replace(/\.[^.]*$/, '') };
  }
  const dbname = output.dbname ?? output.database;
  if (!dbname) throw new ValidationError(`${file}: target '${targetName}' needs dbname`);
  const password = output.password ?? output.pass;
  return { ...base, type: 'postgres', host: output.host, port: output.port, user: output.user, dbname, database: dbname, ...(password !== undefined ? { password } : {}) };
}
