/**
 * Builds the nodes of a project: each model and singular test is rendered once in parse mode,
 * which records its `ref()`s, `source()`s and `config()`; seeds come from CSV files; generic
 * tests from properties files. `finish()` resolves refs to nodes, names the relations (custom
 * schemas as `<target schema>_<schema>`, or the project's `generate_schema_name`) and renders
 * descriptions with `doc()`.
 */
import path from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { RelationParts, SqlQuoting } from './adapters/model-adapter.ts';
import type { DbtNode, SourceTable } from './dbt-node.ts';
import { genericTestName, isBuiltinGenericTest } from './generic-tests.ts';
import { baseGlobals, nodeGlobals, targetGlobal, type NodeScope } from './jinja/dbt-context.ts';
import type { DbtDateTime } from './jinja/dbt-datetime.ts';
import type { DbtJinja } from './jinja/dbt-jinja.ts';
import { isEnabled, materializedOf, mergeConfig, stringSetting, type NodeConfig } from './node-config.ts';
import type { ProjectConfig } from './project-config.ts';
import { baseName, foldersBelow } from './project-files.ts';
import type { TargetConfig } from './profiles.ts';
import type { NodeDecl, PropertiesFile, TestDecl } from './properties-file.ts';
import { folderConfig } from './project-config.ts';
import { Relation } from './relation.ts';

/** What parsing needs: the project config and target, the Jinja engine and the docs blocks. */
export interface NodeParserOptions {
  dir: string;
  config: ProjectConfig;
  target: TargetConfig;
  vars: Readonly<Record<string, unknown>>;
  env: NodeJS.ProcessEnv;
  jinja: DbtJinja;
  docs: ReadonlyMap<string, { text: string; file: string }>;
  quoting: SqlQuoting;
  runStartedAt: DbtDateTime;
  invocationId: string;
  command: string;
  fullRefresh: boolean;
}

/** The subject of a generic test. */
interface TestSubject {
  id: string;
  /** Its name in test names: `orders`, or `raw_orders` for source raw.orders. */
  label: string;
  file: string;
  /** Model or seed name to ref, when the subject is not a source. */
  refName?: string;
}

/** Collects the nodes of a project; add properties, seeds, models and tests, then call `finish()`. */
export class NodeParser {
  readonly nodes = new Map<string, DbtNode>();
  readonly sources = new Map<string, SourceTable>();
  private readonly refNames = new Map<string, string[]>();
  private readonly disabled = new Set<string>();
  private readonly modelDecls = new Map<string, { decl: NodeDecl; file: string }>();
  private readonly seedDecls = new Map<string, { decl: NodeDecl; file: string }>();
  /** Source table declarations, kept for their tests. */
  private readonly sourceDecls = new Map<string, NodeDecl>();
  private readonly project: string;

  constructor(private readonly options: NodeParserOptions) {
    this.project = options.config.name;
  }

  /** Indexes the model and seed properties and declares the sources of the properties files. */
  addProperties(files: readonly PropertiesFile[]): void {
    const { jinja, target } = this.options;
    for (const props of files) {
      for (const decl of props.models) this.modelDecls.set(decl.name, { decl, file: props.file });
      for (const decl of props.seeds) this.seedDecls.set(decl.name, { decl, file: props.file });
      const globals = { ...baseGlobals(this.options, props.file), target: targetGlobal(target) };
      for (const source of props.sources) {
        for (const table of source.tables) {
          const uniqueId = `source.${this.project}.${source.name}.${table.name}`;
          if (this.sources.has(uniqueId)) throw new ValidationError(`${props.file}: source ${source.name}.${table.name} is declared twice`);
          const relation: RelationParts = {
            schema: jinja.renderString(source.schema ?? source.name, props.file, globals).trim(),
            identifier: jinja.renderString(table.identifier ?? table.name, props.file, globals).trim(),
          };
          if (source.database) relation.database = jinja.renderString(source.database, props.file, globals).trim();
          this.sourceDecls.set(uniqueId, table);
          this.sources.set(uniqueId, { uniqueId, sourceName: source.name, name: table.name, relation, description: table.description || source.description, columns: table.columns, path: props.file });
        }
      }
    }
  }

  addSeed(file: string): void {
    const { config, dir } = this.options;
    const name = baseName(file);
    const dirs = foldersBelow(file, config.seedPaths);
    const decl = this.seedDecls.get(name);
    const nodeConfig = mergeConfig(folderConfig(config.seeds, this.project, [...dirs, name]), decl?.decl.config ?? {});
    if (!isEnabled(nodeConfig)) return void this.disabled.add(name);
    this.put({
      ...this.base('seed', name, file, [...dirs, name], nodeConfig, decl?.decl),
      seedFile: path.join(dir, file),
    });
  }

  addModel(file: string, text: string): void {
    const { config, jinja } = this.options;
    const name = baseName(file);
    const dirs = foldersBelow(file, config.modelPaths);
    const decl = this.modelDecls.get(name);
    const nodeConfig = mergeConfig(folderConfig(config.models, this.project, [...dirs, name]), decl?.decl.config ?? {});
    if (!isEnabled(nodeConfig)) return void this.disabled.add(name);
    const node: DbtNode = { ...this.base('model', name, file, [...dirs, name], nodeConfig, decl?.decl), rawSql: text, template: jinja.compile(text, file) };
    this.parseRender(node);
    if (!isEnabled(node.config)) return void this.disabled.add(name);
    node.config.materialized = materializedOf(node.config, file);
    this.put(node);
  }

  addSingularTest(file: string, text: string): void {
    const { config, jinja } = this.options;
    const name = baseName(file);
    const dirs = foldersBelow(file, config.testPaths);
    const nodeConfig = folderConfig(config.tests, this.project, [...dirs, name]);
    if (!isEnabled(nodeConfig)) return;
    const node: DbtNode = { ...this.base('test', name, file, [...dirs, name], nodeConfig), rawSql: text, template: jinja.compile(text, file) };
    this.parseRender(node);
    if (isEnabled(node.config)) this.put(node);
  }

  /** Turns the tests of every properties file into test nodes (after models and seeds are added). */
  addGenericTests(): void {
    const subjects: Array<{ subject: TestSubject; decl: NodeDecl }> = [];
    for (const [name, { decl, file }] of [...this.modelDecls, ...this.seedDecls]) {
      const node = this.byName(name);
      if (node) subjects.push({ subject: { id: node.uniqueId, label: name, file, refName: name }, decl });
    }
    for (const source of this.sources.values()) {
      const decl = this.sourceDecls.get(source.uniqueId);
      if (decl) subjects.push({ subject: { id: source.uniqueId, label: `${source.sourceName}_${source.name}`, file: source.path }, decl });
    }
    for (const { subject, decl } of subjects) {
      for (const test of decl.tests) this.addGenericTest(test, subject);
      for (const column of decl.columns) for (const test of column.tests) this.addGenericTest(test, subject, column.name);
    }
  }

  /** Resolves refs, names relations and renders descriptions. */
  finish(): void {
    for (const [id, names] of this.refNames) {
      const node = this.nodes.get(id) as DbtNode;
      for (const name of names) {
        const target = this.byName(name);
        if (!target) {
          const why = this.disabled.has(name) ? 'is disabled' : 'does not name a model or seed of this project';
          throw new ValidationError(`${node.path}: ref('${name}') ${why}`);
        }
        if (!node.dependsOn.includes(target.uniqueId)) node.dependsOn.push(target.uniqueId);
      }
    }
    for (const node of this.nodes.values()) if (node.resourceType !== 'test') node.relation = this.relationFor(node);
    const render = (text: string, file: string) => this.options.jinja.renderString(text, file, { doc: (name: unknown) => this.docText(String(name)) });
    for (const node of this.nodes.values()) {
      node.description = render(node.description, this.declFile(node) ?? node.path);
      for (const column of node.columns) column.description = render(column.description, this.declFile(node) ?? node.path);
    }
    for (const source of this.sources.values()) {
      source.description = render(source.description, source.path);
      for (const column of source.columns) column.description = render(column.description, source.path);
    }
  }

  /** A model or seed by name. */
  byName(name: string): DbtNode | undefined {
    return this.nodes.get(`model.${this.project}.${name}`) ?? this.nodes.get(`seed.${this.project}.${name}`);
  }

  /** A parse-mode scope: refs and sources are recorded, `config()` merges into the node. */
  parseScope(node: DbtNode, refs: string[]): NodeScope {
    const { target, quoting } = this.options;
    return {
      ...this.options,
      execute: false,
      node,
      thisRelation: new Relation(node.relation ?? { schema: target.schema, identifier: node.name }, quoting),
      isIncremental: false,
      ref: (name) => {
        refs.push(name);
        return new Relation(this.byName(name)?.relation ?? { schema: target.schema, identifier: name }, quoting);
      },
      source: (sourceName, tableName) => {
        const source = this.sources.get(`source.${this.project}.${sourceName}.${tableName}`);
        if (!source) throw new Error(`source('${sourceName}', '${tableName}') is not declared under sources: in a properties file`);
        if (!node.sources.includes(source.uniqueId)) node.sources.push(source.uniqueId);
        return new Relation(source.relation, quoting);
      },
      onConfig: (patch) => {
        node.config = mergeConfig(node.config, patch);
      },
      log: () => undefined,
      doc: (name) => this.docText(name),
      macro: (name) => this.options.jinja.macro(name),
    };
  }

  docText(name: string): string {
    const block = this.options.docs.get(name);
    if (!block) throw new Error(`doc('${name}') names no docs block ({% docs ${name} %} in a .md file of the model folders)`);
    return block.text;
  }

  private parseRender(node: DbtNode): void {
    const refs: string[] = [];
    this.options.jinja.render(node.template as NonNullable<DbtNode['template']>, node.path, nodeGlobals(this.parseScope(node, refs)));
    this.refNames.set(node.uniqueId, refs);
  }

  private addGenericTest(decl: TestDecl, subject: TestSubject, column?: string): void {
    const { config, jinja } = this.options;
    const label = subject.refName ? decl.testName : `source_${decl.testName}`;
    let name = decl.customName ?? genericTestName(label, subject.label, column, decl.args);
    for (let n = 2; this.nodes.has(`test.${this.project}.${name}`); n++) name = `${name.replace(/_\d+$/, '')}_${n}`;
    const dirs = foldersBelow(subject.file, [...config.modelPaths, ...config.seedPaths]);
    const nodeConfig = mergeConfig(folderConfig(config.tests, this.project, [...dirs, name]), decl.config);
    if (!isEnabled(nodeConfig)) return;
    if (!isBuiltinGenericTest(decl.testName) && !jinja.macro(`test_${decl.testName}`)) {
      throw new ValidationError(
        `${subject.file}: unknown test '${decl.testName}' on ${subject.label}${column ? `.${column}` : ''}: define it with {% test ${decl.testName}(model, column_name) %} under macros/ (packages such as dbt_utils are not installed)`,
      );
    }
    const node: DbtNode = {
      ...this.base('test', name, subject.file, [...dirs, name], nodeConfig),
      test: { name: decl.testName, args: decl.args, ...(column ? { column } : {}), attachedTo: subject.id },
    };
    if (!subject.refName) node.sources.push(subject.id);
    const refs = subject.refName ? [subject.refName] : [];
    // Arguments such as `to: ref('customers')` are Jinja expressions: rendering them records the edge.
    for (const value of Object.values(decl.args)) {
      if (typeof value === 'string' && /\b(ref|source)\s*\(/.test(value)) jinja.renderString(`{{ ${value} }}`, subject.file, nodeGlobals(this.parseScope(node, refs)));
    }
    this.refNames.set(node.uniqueId, refs);
    this.put(node);
  }

  private relationFor(node: DbtNode): RelationParts {
    const { jinja, target } = this.options;
    const custom = stringSetting(node.config, 'schema');
    const alias = stringSetting(node.config, 'alias');
    const globals = nodeGlobals(this.parseScope(node, []));
    const model = globals.model;
    const schema = jinja.macro('generate_schema_name')
      ? String(jinja.callMacro('generate_schema_name', [custom ?? null, model], node.path, globals)).trim()
      : custom
        ? `${target.schema}_${custom.trim()}`
        : target.schema;
    const identifier = jinja.macro('generate_alias_name') ? String(jinja.callMacro('generate_alias_name', [alias ?? null, model], node.path, globals)).trim() : (alias ?? node.name);
    return { schema, identifier };
  }

  private declFile(node: DbtNode): string | undefined {
    if (node.resourceType === 'model') return this.modelDecls.get(node.name)?.file;
    if (node.resourceType === 'seed') return this.seedDecls.get(node.name)?.file;
    return undefined;
  }

  private base(resourceType: DbtNode['resourceType'], name: string, file: string, fqnTail: string[], config: NodeConfig, decl?: NodeDecl): DbtNode {
    return {
      uniqueId: `${resourceType}.${this.project}.${name}`,
      name,
      resourceType,
      path: file,
      fqn: [this.project, ...fqnTail],
      config,
      dependsOn: [],
      sources: [],
      description: decl?.description ?? '',
      columns: (decl?.columns ?? []).map((c) => ({ name: c.name, description: c.description })),
    };
  }

  private put(node: DbtNode): void {
    const other = this.nodes.get(node.uniqueId) ?? (node.resourceType !== 'test' ? this.byName(node.name) : undefined);
    if (other) throw new ValidationError(`${node.path}: ${node.resourceType} '${node.name}' has the same name as ${other.path}`);
    this.nodes.set(node.uniqueId, node);
  }
}
