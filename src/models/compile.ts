/**
 * Compiles nodes to the SQL that runs: renders a model or singular test in execute mode (refs
 * give relations, `is_incremental()` asks the warehouse whether the table exists), builds the
 * SELECT of a generic test, inlines ephemeral models as CTEs, and writes the result to
 * `target/compiled/<project>/<path>` as dbt does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { ModelAdapter } from './adapters/model-adapter.ts';
import { injectCtes } from './cte-injection.ts';
import type { DbtProject } from './dbt-project.ts';
import { isEphemeral, type DbtNode } from './dbt-node.ts';
import { builtinTestSql, isBuiltinGenericTest } from './generic-tests.ts';
import { nodeGlobals, type NodeScope } from './jinja/dbt-context.ts';
import { stringSetting } from './node-config.ts';
import { Relation } from './relation.ts';

/** A node compiled to runnable SQL. */
export interface CompiledNode {
  node: DbtNode;
  /** The SQL as it runs, ephemeral CTEs included. */
  sql: string;
  /** The template's output before CTEs were added. */
  rendered: string;
  /** Where CTE text was added to `sql` (1-based line) and how many lines it took. */
  injection: { atLine: number; lines: number };
  /** Whether `is_incremental()` was true: the model adds to its existing table. */
  isIncremental: boolean;
  /** Project-relative path of the compiled file. */
  compiledPath: string;
}

/** What a compiler needs. */
export interface CompilerOptions {
  project: DbtProject;
  /** Asked whether an incremental model's table exists; without it models compile as first runs. */
  adapter?: ModelAdapter;
  fullRefresh: boolean;
  command: string;
  /** `log()` calls of templates. */
  log?: (node: DbtNode, message: string) => void;
}

/** Compiles the nodes of one build; ephemeral SQL is rendered once and reused. */
export class Compiler {
  private readonly ephemeralSql = new Map<string, string>();

  constructor(private readonly options: CompilerOptions) {}

  /** Compiles a model or test and writes its compiled file. */
  async compile(node: DbtNode): Promise<CompiledNode> {
    const isIncremental = await this.isIncremental(node);
    // A trailing semicolon would end the statement a materialisation wraps the SELECT in.
    const rendered = (node.test ? this.genericTestSql(node) : this.render(node, isIncremental)).replace(/;\s*$/, '');
    const ctes = this.ephemeralAncestors(node).map((e) => `__dbt__cte__${e.name} as (\n${this.renderEphemeral(e)}\n)`);
    const injected = injectCtes(rendered, ctes);
    const compiledPath = this.compiledPath(node);
    const file = path.join(this.options.project.dir, compiledPath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, injected.sql);
    return { node, sql: injected.sql, rendered, injection: { atLine: injected.atLine, lines: injected.addedLines }, isIncremental, compiledPath };
  }

  /** Renders a hook (`pre_hook`, `post_hook`) for a node. */
  renderHook(node: DbtNode, hook: string, isIncremental: boolean): string {
    return this.options.project.jinja.renderString(hook, node.path, nodeGlobals(this.scope(node, isIncremental)));
  }

  /** The scope of an execute-mode render of `node`. */
  scope(node: DbtNode, isIncremental: boolean): NodeScope {
    const { project } = this.options;
    const quoting = project.quoting;
    return {
      vars: project.vars,
      env: project.env,
      execute: true,
      node,
      target: project.target,
      quoting,
      thisRelation: isEphemeral(node) ? `__dbt__cte__${node.name}` : new Relation(node.relation ?? { schema: project.target.schema, identifier: node.name }, quoting),
      isIncremental,
      fullRefresh: this.options.fullRefresh,
      command: this.options.command,
      runStartedAt: project.runStartedAt,
      invocationId: project.invocationId,
      ref: (name) => {
        const target = project.byName(name);
        if (!target) throw new Error(`ref('${name}') does not name a model or seed of this project`);
        if (isEphemeral(target)) return `__dbt__cte__${target.name}`;
        return new Relation(target.relation ?? { schema: project.target.schema, identifier: name }, quoting);
      },
      source: (sourceName, tableName) => {
        const source = project.sources.get(`source.${project.name}.${sourceName}.${tableName}`);
        if (!source) throw new Error(`source('${sourceName}', '${tableName}') is not declared under sources:`);
        return new Relation(source.relation, quoting);
      },
      onConfig: () => undefined,
      log: (message) => this.options.log?.(node, message),
      doc: (name) => project.parser.docText(name),
      macro: (name) => project.jinja.macro(name),
    };
  }

  private async isIncremental(node: DbtNode): Promise<boolean> {
    if (node.resourceType !== 'model' || node.config.materialized !== 'incremental' || !node.relation || !this.options.adapter) return false;
    const fullRefresh = node.config.full_refresh === undefined || node.config.full_refresh === null ? this.options.fullRefresh : Boolean(node.config.full_refresh);
    if (fullRefresh) return false;
    return (await this.options.adapter.relationKind(node.relation)) === 'table';
  }

  private render(node: DbtNode, isIncremental: boolean): string {
    if (!node.template) throw new ValidationError(`${node.path}: nothing to compile`);
    return this.options.project.jinja.render(node.template, node.path, nodeGlobals(this.scope(node, isIncremental)));
  }

  private renderEphemeral(node: DbtNode): string {
    let sql = this.ephemeralSql.get(node.uniqueId);
    if (sql === undefined) {
      sql = this.render(node, false).trim().replace(/;\s*$/, '');
      this.ephemeralSql.set(node.uniqueId, sql);
    }
    return sql;
  }

  /** Ephemeral models `node` reads, directly or through other ephemerals, dependencies first. */
  private ephemeralAncestors(node: DbtNode): DbtNode[] {
    const { project } = this.options;
    const out: DbtNode[] = [];
    const seen = new Set<string>();
    const visit = (current: DbtNode) => {
      for (const id of current.dependsOn) {
        const parent = project.nodes.get(id);
        if (!parent || !isEphemeral(parent) || seen.has(id)) continue;
        seen.add(id);
        visit(parent);
        out.push(parent);
      }
    };
    visit(node);
    return out;
  }

  private genericTestSql(node: DbtNode): string {
    const { project } = this.options;
    const test = node.test as NonNullable<DbtNode['test']>;
    const globals = nodeGlobals(this.scope(node, false));
    const subject = project.nodes.get(test.attachedTo);
    const source = project.sources.get(test.attachedTo);
    let model: Relation | string = subject
      ? isEphemeral(subject)
        ? `__dbt__cte__${subject.name}`
        : new Relation(subject.relation ?? { schema: project.target.schema, identifier: subject.name }, project.quoting)
      : new Relation((source as NonNullable<typeof source>).relation, project.quoting);
    const where = stringSetting(node.config, 'where');
    if (where) model = `(select * from ${String(model)} where ${project.jinja.renderString(where, node.path, globals)}) dbt_subquery`;
    const macro = project.jinja.macro(`test_${test.name}`);
    if (macro) {
      const kwargs = { ...test.args, model, ...(test.column ? { column_name: test.column } : {}), __keywords: true };
      return String(project.jinja.callMacro(`test_${test.name}`, [kwargs], node.path, globals)).trim();
    }
    if (!isBuiltinGenericTest(test.name)) throw new ValidationError(`${node.path}: unknown test '${test.name}'`);
    const to = typeof test.args.to === 'string' ? project.jinja.renderString(`{{ ${test.args.to} }}`, node.path, globals) : undefined;
    return builtinTestSql(test.name, {
      model: String(model),
      args: test.args,
      quoting: project.quoting,
      where: `${node.path}: test ${node.name}`,
      ...(test.column ? { column: test.column } : {}),
      ...(to ? { to } : {}),
    });
  }

  private compiledPath(node: DbtNode): string {
    const { project } = this.options;
    const base = path.join(project.config.targetPath, 'compiled', project.name, node.path);
    return (node.test ? path.join(base, `${node.name}.sql`) : base).split(path.sep).join('/');
  }
}
