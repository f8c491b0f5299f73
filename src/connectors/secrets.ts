/**
 * Secret references in connector configs: `${env:NAME}` is replaced by the environment variable
 * at run time. Specs and the store keep the reference, never the value; `redactSecrets` masks
 * secret fields before a config is logged or returned by the API.
 */
import { ValidationError } from '../core/errors.ts';

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces every `${env:NAME}` in the config's strings; a missing variable is an error naming it. */
export function resolveSecrets<T>(config: T, env: NodeJS.ProcessEnv = process.env, path = 'config'): T {
  if (typeof config === 'string') {
    return config.replace(REFERENCE, (_match, name: string) => {
      const value = env[name];
      if (value === undefined) throw new ValidationError(`${path}: environment variable ${name} is not set`, [{ path, message: `\${env:${name}} is not set` }]);
      return value;
    }) as T;
  }
  if (Array.isArray(config)) return config.map((item, i) => resolveSecrets(item, env, `${path}[${i}]`)) as T;
  if (config && typeof config === 'object' && !(config instanceof Date)) {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, resolveSecrets(v, env, `${path}.${k}`)])) as T;
  }
  return config;
}

const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|credential|private[_-]?key|authorization/i;

/** Masks secret-looking fields and the given ones, at any depth, keeping `${env:...}` references visible. */
export function redactSecrets<T>(config: T, secretFields: readonly string[] = []): T {
  const walk = (value: unknown, key?: string): unknown => {
    if (key !== undefined && (secretFields.includes(key) || SECRET_KEY.test(key)) && typeof value === 'string') {
      return /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/.test(value) ? value : '***';
    }
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value === 'string' && key !== undefined && /:\/\/[^/\s:@]+:[^/\s@]+@/.test(value)) {
      // A connection URL with a password in it.
      return value.replace(/(:\/\/[^/\s:@]+:)[^/\s@]+@/, '$1***@');
    }
    return value;
  };
  return walk(config) as T;
}
