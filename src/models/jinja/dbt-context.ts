/**
 * The names dbt templates use (`ref`, `source`, `config`, `this`, `is_incremental`, `var`,
 * `env_var`, `target`, `adapter`, `log`, `run_started_at`, ...), built for one node render. In
 * parse mode (`execute` false) `ref`, `source` and `config` record what the node reads and how it
 * is configured; in execute mode they give the relations to select from.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { PlatformError } from '../../core/errors.ts';
import type { SqlQuoting } from '../adapters/model-adapter.ts';
import type { DbtNode } from '../dbt-node.ts';
import type { TargetConfig } from '../profiles.ts';
import type { Relation } from '../relation.ts';
import type { DbtDateTime } from './dbt-datetime.ts';
import type { MacroFn } from './dbt-jinja.ts';
import { splitArgs } from './python-compat.ts';

/** What every render can use: vars and the environment. */
export interface BaseScope {
  vars: Readonly<Record<string, unknown>>;
  env: NodeJS.ProcessEnv;
}

/** What a node render can use, on top of the base. */
export interface NodeScope extends BaseScope {
  execute: boolean;
  node: DbtNode;
  target: TargetConfig;
  quoting: SqlQuoting;
  thisRelation: Relation | string;
  isIncremental: boolean;
  fullRefresh: boolean;
  command: string;
  runStartedAt: DbtDateTime;
  invocationId: string;
  ref(name: string): Relation | string;
  source(sourceName: string, tableName: string): Relation;
  onConfig(patch: Record<string, unknown>): void;
  log(message: string): void;
  doc(name: string): string;
  /** A macro by name, for `adapter.dispatch`. */
  macro(name: string): MacroFn | undefined;
}

/** The error templates raise (`exceptions.raise_compiler_error`, a missing var). */
class CompilationError extends PlatformError {
  constructor(message: string) {
    super('VALIDATION_ERROR', message);
  }
}

/** `var` and `env_var`, the names profiles and dbt_project.yml may use too. */
export function baseGlobals(scope: BaseScope, where: string): Record<string, unknown> {
  const varFn = (...args: unknown[]): unknown => {
    const { positional, kwargs } = splitArgs(args);
    const name = String(positional[0]);
    if (Object.hasOwn(scope.vars, name)) return scope.vars[name];
    if (positional.length > 1) return positional[1];
    if ('default' in kwargs) return kwargs.default;
    throw new CompilationError(`required var '${name}' not found in config (${where}); set it under vars: in dbt_project.yml or with --vars`);
  };
  varFn.has = (name: string) => Object.hasOwn(scope.vars, name);
  const envVar = (...args: unknown[]): unknown => {
    const { positional, kwargs } = splitArgs(args);
    const name = String(positional[0]);
    const value = scope.env[name];
    if (value !== undefined) return value;
    if (positional.length > 1) return positional[1];
    if ('default' in kwargs) return kwargs.default;
    throw new CompilationError(`env var required but not provided: '${name}'`);
  };
  return {
    var: varFn,
    env_var: envVar,
    fromjson: (text: unknown, fallback?: unknown) => {
      try {
        return JSON.parse(String(text));
      } catch {
        return fallback;
      }
    },
    tojson: (value: unknown) => JSON.stringify(value),
    fromyaml: (text: unknown) => parseYaml(String(text)) as unknown,
    toyaml: (value: unknown) => stringifyYaml(value),
    local_md5: (text: unknown) => createHash('md5').update(String(text)).digest('hex'),
    zip: (...lists: unknown[][]) => {
      const length = Math.min(...lists.map((l) => (Array.isArray(l) ? l.length : 0)));
      return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
    },
    exceptions: {
      raise_compiler_error: (message: unknown) => {
        throw new CompilationError(String(message));
      },
      warn: () => '',
    },
    dbt_version: '1.8.0',
  };
}

/** `target` as templates see it: name, type, schema, database, and the connection's host or path. */
export function targetGlobal(target: TargetConfig): Record<string, unknown> {
  return {
    name: target.name,
    type: target.type,
    schema: target.schema,
    database: target.database,
    profile_name: target.profileName,
    threads: target.threads,
    ...(target.host !== undefined ? { host: target.host, port: target.port, user: target.user, dbname: target.dbname } : {}),
    ...(target.path !== undefined ? { path: target.path } : {}),
  };
}

const unsupported = (name: string) => () => {
  throw new CompilationError(`${name} is not supported here: templates cannot query the database while they compile`);
};

/** Every name a node's template can use. */
export function nodeGlobals(scope: NodeScope): Record<string, unknown> {
  const { node, target } = scope;
  const config = (...args: unknown[]): string => {
    const { positional, kwargs } = splitArgs(args);
    const first = positional[0];
    const patch = first !== null && typeof first === 'object' ? { ...(first as Record<string, unknown>), ...kwargs } : kwargs;
    if (!scope.execute) scope.onConfig(patch);
    return '';
  };
  config.get = (key: string, fallback?: unknown) => node.config[key] ?? fallback;
  config.require = (key: string) => {
    if (node.config[key] === undefined) throw new CompilationError(`config '${key}' is required for ${node.name}`);
    return node.config[key];
  };
  const refFn = (...args: unknown[]) => {
    const { positional } = splitArgs(args);
    // ref('package', 'model') names a model of this project too: packages are not installed.
    const name = String(positional.length > 1 ? positional[1] : positional[0]);
    return scope.ref(name);
  };
  return {
    ...baseGlobals(scope, node.path),
    execute: scope.execute,
    ref: refFn,
    source: (sourceName: unknown, tableName: unknown) => scope.source(String(sourceName), String(tableName)),
    config,
    this: scope.thisRelation,
    is_incremental: () => scope.isIncremental,
    should_full_refresh: () => (node.config.full_refresh === undefined || node.config.full_refresh === null ? scope.fullRefresh : Boolean(node.config.full_refresh)),
    target: targetGlobal(target),
    model: {
      name: node.name,
      unique_id: node.uniqueId,
      resource_type: node.resourceType,
      path: node.path,
      original_file_path: node.path,
      fqn: node.fqn,
      alias: node.relation?.identifier ?? node.name,
      schema: node.relation?.schema ?? target.schema,
      config: node.config,
      tags: node.config.tags ?? [],
      description: node.description,
      raw_code: node.rawSql ?? '',
      raw_sql: node.rawSql ?? '',
    },
    adapter: {
      type: () => target.type,
      quote: (identifier: unknown) => scope.quoting.quoteIdent(String(identifier)),
      dispatch: (name: unknown) => {
        const found = scope.macro(`${target.type}__${String(name)}`) ?? scope.macro(`default__${String(name)}`) ?? scope.macro(String(name));
        if (!found) throw new CompilationError(`adapter.dispatch: no macro ${target.type}__${String(name)} or default__${String(name)}`);
        return found;
      },
      get_relation: unsupported('adapter.get_relation'),
      get_columns_in_relation: unsupported('adapter.get_columns_in_relation'),
    },
    run_query: unsupported('run_query'),
    statement: unsupported('statement'),
    log: (message: unknown) => {
      scope.log(String(message));
      return '';
    },
    print: (message: unknown) => {
      scope.log(String(message));
      return '';
    },
    doc: (name: unknown) => scope.doc(String(name)),
    run_started_at: scope.runStartedAt,
    invocation_id: scope.invocationId,
    flags: { FULL_REFRESH: scope.fullRefresh, WHICH: scope.command },
  };
}
