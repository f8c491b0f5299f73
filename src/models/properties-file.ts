/**
 * Properties files (`schema.yml`, `version: 2`): descriptions, column docs and tests of models
 * and seeds, and the `sources:` a project reads. Tests may sit under `tests:` or `data_tests:`,
 * as a name (`- unique`), a mapping (`- accepted_values: {values: [...], severity: warn}`), with
 * configs inline or under `config:`, or named (`- name: x, test_name: unique`).
 */
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { parseYamlMapping } from '../core/spec/yaml-source.ts';
import { zodIssues } from '../core/zod-issues.ts';
import { isMapping } from './node-config.ts';

/** One declared test. */
export interface TestDecl {
  /** The test's name without a package prefix (`dbt_utils.x` gives `x`). */
  testName: string;
  args: Record<string, unknown>;
  config: Record<string, unknown>;
  /** A name given with `name:` (else one is made up, as dbt does). */
  customName?: string;
}

/** A documented column and its tests. */
export interface ColumnDecl {
  name: string;
  description: string;
  tests: TestDecl[];
}

/** A model, seed or source table as a properties file describes it. */
export interface NodeDecl {
  name: string;
  description: string;
  config: Record<string, unknown>;
  columns: ColumnDecl[];
  tests: TestDecl[];
  /** Source tables only: the table's name in the database when it differs. */
  identifier?: string;
}

/** A source (a schema the project reads) and its tables. */
export interface SourceDecl {
  name: string;
  database?: string;
  schema?: string;
  description: string;
  tables: NodeDecl[];
}

/** What one properties file declares. */
export interface PropertiesFile {
  file: string;
  models: NodeDecl[];
  seeds: NodeDecl[];
  sources: SourceDecl[];
}

/** Configs a test may set beside its arguments. */
const TEST_CONFIG_KEYS = new Set(['severity', 'where', 'warn_if', 'error_if', 'tags', 'enabled', 'limit', 'store_failures', 'meta', 'fail_calc', 'alias', 'schema', 'database']);

const testEntry = z.union([z.string(), z.record(z.string(), z.unknown())]);
const testLists = { tests: z.array(testEntry).nullish(), data_tests: z.array(testEntry).nullish() };
const column = z.object({ name: z.string().min(1), description: z.string().nullish(), ...testLists }).passthrough();
const nodeDecl = z
  .object({
    name: z.string().min(1),
    description: z.string().nullish(),
    config: z.record(z.string(), z.unknown()).nullish(),
    columns: z.array(column).nullish(),
    identifier: z.string().nullish(),
    ...testLists,
  })
  .passthrough();
const source = z
  .object({ name: z.string().min(1), database: z.string().nullish(), schema: z.string().nullish(), description: z.string().nullish(), tables: z.array(nodeDecl).nullish() })
  .passthrough();
const fileSchema = z
  .object({
    version: z.union([z.number(), z.string()]).nullish(),
    models: z.array(nodeDecl).nullish(),
    seeds: z.array(nodeDecl).nullish(),
    sources: z.array(source).nullish(),
  })
  .passthrough();

/** Parses one properties file; `file` is project-relative and names it in errors. */
export function parsePropertiesFile(text: string, file: string): PropertiesFile {
  if (text.trim() === '') return { file, models: [], seeds: [], sources: [] };
  const parsed = fileSchema.safeParse(parseYamlMapping(text, file));
  if (!parsed.success) throw new ValidationError(`${file} is invalid`, zodIssues(parsed.error));
  const data = parsed.data;
  const node = (decl: z.output<typeof nodeDecl>, where: string): NodeDecl => ({
    name: decl.name,
    description: decl.description ?? '',
    config: decl.config ?? {},
    columns: (decl.columns ?? []).map((c, i) => ({
      name: c.name,
      description: c.description ?? '',
      tests: testsOf(c, `${file}: ${where}.columns[${i}]`),
    })),
    tests: testsOf(decl, `${file}: ${where}`),
    ...(decl.identifier ? { identifier: decl.identifier } : {}),
  });
  return {
    file,
    models: (data.models ?? []).map((m, i) => node(m, `models[${i}]`)),
    seeds: (data.seeds ?? []).map((s, i) => node(s, `seeds[${i}]`)),
    sources: (data.sources ?? []).map((s, i) => ({
      name: s.name,
      ...(s.database ? { database: s.database } : {}),
      ...(s.schema ? { schema: s.schema } : {}),
      description: s.description ?? '',
      tables: (s.tables ?? []).map((t, j) => node(t, `sources[${i}].tables[${j}]`)),
    })),
  };
}

function testsOf(decl: { tests?: unknown[] | null; data_tests?: unknown[] | null }, where: string): TestDecl[] {
  return [...(decl.tests ?? []), ...(decl.data_tests ?? [])].map((entry, i) => parseTestEntry(entry, `${where}.tests[${i}]`));
}

function parseTestEntry(entry: unknown, where: string): TestDecl {
  if (typeof entry === 'string') return { testName: unprefixed(entry), args: {}, config: {} };
  if (!isMapping(entry)) throw new ValidationError(`${where}: expected a test name or a mapping`);
  if (typeof entry.test_name === 'string') {
    const { test_name: testName, name, ...rest } = entry;
    return { ...splitTestBody(rest), testName: unprefixed(testName as string), ...(typeof name === 'string' ? { customName: name } : {}) };
  }
  const keys = Object.keys(entry);
  if (keys.length !== 1) throw new ValidationError(`${where}: a test mapping has one key, the test's name (got ${keys.join(', ')})`);
  const name = keys[0] as string;
  const body = entry[name];
  if (body !== null && body !== undefined && !isMapping(body)) throw new ValidationError(`${where}.${name}: expected a mapping of arguments`);
  const split = splitTestBody(body ?? {});
  const customName = split.args.name;
  delete split.args.name;
  return { testName: unprefixed(name), ...split, ...(typeof customName === 'string' ? { customName } : {}) };
}

function splitTestBody(body: Record<string, unknown>): { args: Record<string, unknown>; config: Record<string, unknown> } {
  const args: Record<string, unknown> = {};
  const config: Record<string, unknown> = isMapping(body.config) ? { ...body.config } : {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'config') continue;
    if (key === 'arguments' && isMapping(value)) Object.assign(args, value);
    else if (TEST_CONFIG_KEYS.has(key)) config[key] = value;
    else args[key] = value;
  }
  return { args, config };
}

function unprefixed(name: string): string {
  return name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
}
