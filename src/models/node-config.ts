/**
 * Configs of models, seeds and tests: how the levels merge (dbt_project.yml folders, then the
 * properties file, then `config()` in the SQL, the later winning) and the typed reads of the keys
 * the runner acts on. `tags` and hooks add up across levels instead of replacing, as in dbt.
 */
import { ValidationError } from '../core/errors.ts';

/** A node's config with keys normalised (`+pre-hook` becomes `pre_hook`). */
export type NodeConfig = Record<string, unknown>;

/** How a model is built. */
export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'ephemeral'] as const;
/** One way to build a model. */
export type Materialization = (typeof MATERIALIZATIONS)[number];

/** What a failing test does to the build. */
export const SEVERITIES = ['error', 'warn'] as const;
/** A test's severity. */
export type Severity = (typeof SEVERITIES)[number];

const ADDITIVE = new Set(['tags', 'pre_hook', 'post_hook']);

/** `+materialized` and `materialized` are the same key; so are `pre-hook` and `pre_hook`. */
export function normalizeConfigKey(key: string): string {
  return key.replace(/^\+/, '').replaceAll('-', '_');
}

/** A string or a list of strings as a list. */
export function configList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

/** `patch` over `base`: tags and hooks accumulate, `meta` merges, anything else is replaced. */
export function mergeConfig(base: NodeConfig, patch: Readonly<Record<string, unknown>>): NodeConfig {
  const out: NodeConfig = { ...base };
  for (const [rawKey, value] of Object.entries(patch)) {
    const key = normalizeConfigKey(rawKey);
    if (ADDITIVE.has(key)) {
      const merged = [...configList(out[key]), ...configList(value)];
      out[key] = key === 'tags' ? [...new Set(merged)] : merged;
    } else if (key === 'meta' && isMapping(value) && isMapping(out.meta)) {
      out.meta = { ...out.meta, ...value };
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Whether a value is a plain mapping (not null, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether the node takes part in the project (`enabled: false` removes it). */
export function isEnabled(config: NodeConfig): boolean {
  return config.enabled !== false && config.enabled !== 'false';
}

/** The model's materialisation (default `view`), checked. */
export function materializedOf(config: NodeConfig, file: string): Materialization {
  const value = config.materialized ?? 'view';
  if (typeof value !== 'string' || !(MATERIALIZATIONS as readonly string[]).includes(value)) {
    throw new ValidationError(`${file}: materialized must be one of ${MATERIALIZATIONS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as Materialization;
}

/** The node's tags. */
export function tagsOf(config: NodeConfig): string[] {
  return configList(config.tags);
}

/** `unique_key` as a list of columns (a string may hold several, comma-separated). */
export function uniqueKeyOf(config: NodeConfig): string[] {
  return configList(config.unique_key)
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/** A test's severity (default `error`). */
export function severityOf(config: NodeConfig, file: string): Severity {
  const value = String(config.severity ?? 'error').toLowerCase();
  if (value !== 'error' && value !== 'warn') throw new ValidationError(`${file}: severity must be warn or error, got ${JSON.stringify(config.severity)}`);
  return value;
}

/** An optional string setting (`schema`, `alias`, `where`, ...). */
export function stringSetting(config: NodeConfig, key: string): string | undefined {
  const value = config[key];
  return value === undefined || value === null || value === '' ? undefined : String(value);
}
