/**
 * Runs a dbt command over a project: `seed`, `run`, `test`, `build` (seeds, models and tests in
 * DAG order, a model's tests before its children), `compile` and `ls`. Nodes downstream of a
 * failure are skipped. Returns one result per node and the errors among them; problems of the
 * project itself (invalid files, a cycle, an unreachable warehouse) throw.
 *
 * @example
 * const { results, errors } = await buildProject({ projectDir: 'analytics', command: 'build', select: ['tag:nightly'] });
 */
import { performance } from 'node:perf_hooks';
import type { ModelAdapter } from './adapters/model-adapter.ts';
import { openAdapter } from './adapters/open-adapter.ts';
import { Compiler, type CompiledNode } from './compile.ts';
import { loadDbtProject, type DbtProject } from './dbt-project.ts';
import { isEphemeral, type DbtNode, type ResourceType } from './dbt-node.ts';
import { locateNodeError } from './error-location.ts';
import { baseGlobals, targetGlobal } from './jinja/dbt-context.ts';
import { materializeModel, plural } from './materialize.ts';
import { isMapping } from './node-config.ts';
import { selectNodes, type IndirectSelection } from './node-selection.ts';
import { ProjectGraph } from './project-graph.ts';
import { runTestNode } from './run-test-node.ts';

/** The commands a build runs, as dbt's. */
export const BUILD_COMMANDS = ['run', 'test', 'build', 'seed', 'compile', 'ls'] as const;
/** One build command. */
export type BuildCommand = (typeof BUILD_COMMANDS)[number];

/** How a node ended: models and seeds succeed or error; tests pass, warn, fail or error; anything may be skipped. */
export const NODE_STATUSES = ['success', 'error', 'skipped', 'pass', 'fail', 'warn'] as const;
/** One node status. */
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** What a command acts on. */
const RESOURCES: Record<BuildCommand, readonly ResourceType[]> = {
  run: ['model'],
  test: ['test'],
  seed: ['seed'],
  build: ['seed', 'model', 'test'],
  compile: ['model', 'test'],
  ls: ['seed', 'model', 'test'],
};

/** The outcome of one node. */
export interface NodeResult {
  /** The node's name (`stg_orders`, `not_null_orders_order_id`). */
  node: string;
  uniqueId: string;
  resourceType: ResourceType;
  /** Project-relative file it comes from (the properties file of a generic test). */
  path: string;
  status: NodeStatus;
  message: string;
  rowsAffected?: number;
  /** Tests: how many rows failed. */
  failures?: number;
  durationMs: number;
  compiledSql?: string;
  compiledPath?: string;
  /** Models and seeds: `schema.identifier`. */
  relation?: string;
  materialized?: string;
  /** Unique ids of the models and seeds it reads. */
  dependsOn: string[];
}

/** The outcome of a command: one result per node, and the errors among them. */
export interface BuildResult {
  project: string;
  command: BuildCommand;
  target: { name: string; type: string; schema: string };
  results: NodeResult[];
  /** The nodes that errored or failed with severity error. */
  errors: Array<{ node: string; message: string }>;
}

/** What `afterBuild` receives: the open adapter, before it closes. */
export interface AfterBuildContext {
  readonly project: DbtProject;
  readonly adapter: ModelAdapter;
  readonly results: readonly NodeResult[];
}

/** What to build and how. */
export interface BuildOptions {
  projectDir: string;
  command: BuildCommand;
  target?: string;
  /** Selectors (a list, or one space-separated string). */
  select?: readonly string[] | string;
  exclude?: readonly string[] | string;
  /** How tests follow selected models (default eager, as in dbt). */
  indirectSelection?: IndirectSelection;
  fullRefresh?: boolean;
  vars?: Record<string, unknown>;
  profilesDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Stops before the next node when aborted; the rest are skipped. */
  signal?: AbortSignal;
  /** `log()` calls of templates, with the node that made them. */
  onLog?: (node: string, message: string) => void;
  /** Called as each node finishes (progress output). */
  onResult?: (result: NodeResult, progress: { index: number; total: number }) => void;
  /** Runs with the adapter still open, after the last node (publishing models elsewhere). */
  afterBuild?: (ctx: AfterBuildContext) => Promise<void>;
}

/** Loads the project, runs the command, and returns one result per selected node. */
export async function buildProject(options: BuildOptions): Promise<BuildResult> {
  const { command } = options;
  const project = await loadDbtProject({
    projectDir: options.projectDir,
    command,
    fullRefresh: options.fullRefresh ?? false,
    ...(options.target ? { target: options.target } : {}),
    ...(options.vars ? { vars: options.vars } : {}),
    ...(options.profilesDir ? { profilesDir: options.profilesDir } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  const selected = selectNodes(project, {
    select: toList(options.select),
    exclude: toList(options.exclude),
    ...(options.indirectSelection ? { indirectSelection: options.indirectSelection } : {}),
  });
  const graph = command === 'build' ? buildGraph(project) : project.graph;
  const nodes = graph.order
    .map((id) => project.node(id))
    .filter((n) => selected.has(n.uniqueId) && RESOURCES[command].includes(n.resourceType) && (command === 'compile' || command === 'ls' || !isEphemeral(n)));
  const results: NodeResult[] = [];
  const report = (result: NodeResult) => {
    results.push(result);
    options.onResult?.(result, { index: results.length, total: nodes.length });
  };
  if (command === 'ls') {
    for (const node of nodes) report({ ...describe(node), status: 'success', message: node.fqn.join('.'), durationMs: 0 });
    return finish(project, command, results);
  }
  const adapter = await openAdapter(project.target);
  try {
    const runner = new NodeRunner(project, adapter, graph, options);
    if (command !== 'compile') await runner.projectHooks(project.config.onRunStart, 'on-run-start');
    for (const node of nodes) report(await runner.run(node));
    if (command !== 'compile') await runner.projectHooks(project.config.onRunEnd, 'on-run-end');
    await options.afterBuild?.({ project, adapter, results });
  } finally {
    await adapter.close();
  }
  return finish(project, command, results);
}

function toList(value: readonly string[] | string | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}

function finish(project: DbtProject, command: BuildCommand, results: NodeResult[]): BuildResult {
  return {
    project: project.name,
    command,
    target: { name: project.target.name, type: project.target.type, schema: project.target.schema },
    results,
    errors: results.filter((r) => r.status === 'error' || r.status === 'fail').map((r) => ({ node: r.node, message: r.message })),
  };
}

/** The graph of `build`: a model also waits for the single-parent tests of what it reads. */
function buildGraph(project: DbtProject): ProjectGraph {
  const testsOf = new Map<string, string[]>();
  for (const node of project.nodes.values()) {
    const parent = node.dependsOn[0];
    if (node.resourceType === 'test' && node.dependsOn.length === 1 && parent) testsOf.set(parent, [...(testsOf.get(parent) ?? []), node.uniqueId]);
  }
  const extra = new Map<string, string[]>();
  for (const node of project.nodes.values()) {
    if (node.resourceType === 'test') continue;
    const waits = node.dependsOn.flatMap((p) => testsOf.get(p) ?? []);
    if (waits.length > 0) extra.set(node.uniqueId, waits);
  }
  return ProjectGraph.build([...project.nodes.values()], extra);
}

function describe(node: DbtNode): Pick<NodeResult, 'node' | 'uniqueId' | 'resourceType' | 'path' | 'dependsOn' | 'relation' | 'materialized'> {
  return {
    node: node.name,
    uniqueId: node.uniqueId,
    resourceType: node.resourceType,
    path: node.path,
    dependsOn: [...node.dependsOn],
    ...(node.relation ? { relation: `${node.relation.schema}.${node.relation.identifier}` } : {}),
    ...(node.resourceType === 'model' ? { materialized: String(node.config.materialized) } : {}),
  };
}

/** Runs nodes one at a time, skipping what sits downstream of a failure. */
class NodeRunner {
  private readonly compiler: Compiler;
  private readonly failed = new Map<string, string>();
  private readonly schemas = new Set<string>();

  constructor(
    private readonly project: DbtProject,
    private readonly adapter: ModelAdapter,
    private readonly graph: ProjectGraph,
    private readonly options: BuildOptions,
  ) {
    this.compiler = new Compiler({
      project,
      adapter,
      fullRefresh: options.fullRefresh ?? false,
      command: options.command,
      ...(options.onLog ? { log: (node: DbtNode, message: string) => options.onLog?.(node.name, message) } : {}),
    });
  }

  async projectHooks(hooks: readonly string[], where: string): Promise<void> {
    const globals = { ...baseGlobals(this.project, where), target: targetGlobal(this.project.target) };
    for (const hook of hooks) await this.adapter.execute(this.project.jinja.renderString(hook, `dbt_project.yml (${where})`, globals));
  }

  async run(node: DbtNode): Promise<NodeResult> {
    const started = performance.now();
    const base = describe(node);
    const elapsed = () => Math.round(performance.now() - started);
    if (this.options.signal?.aborted) return this.record(node, { ...base, status: 'skipped', message: 'cancelled', durationMs: 0 });
    const blocker = this.blockedBy(node.uniqueId);
    if (blocker) return this.record(node, { ...base, status: 'skipped', message: `skipped: upstream ${blocker} did not succeed`, durationMs: 0 });
    let compiled: CompiledNode | undefined;
    try {
      if (node.resourceType === 'seed') return this.record(node, await this.seed(node, base, elapsed));
      compiled = await this.compiler.compile(node);
      const sqlFields = { compiledSql: compiled.sql, compiledPath: compiled.compiledPath };
      if (this.options.command === 'compile') return { ...base, ...sqlFields, status: 'success', message: `compiled to ${compiled.compiledPath}`, durationMs: elapsed() };
      if (node.resourceType === 'test') {
        const outcome = await runTestNode(this.adapter, compiled);
        const result: NodeResult = { ...base, ...sqlFields, status: outcome.status, message: outcome.message, failures: outcome.failures, durationMs: elapsed() };
        return outcome.status === 'fail' ? this.record(node, result) : result;
      }
      const outcome = await materializeModel({ adapter: this.adapter, compiler: this.compiler, compiled, ensureSchema: (s) => this.ensureSchema(s) });
      return { ...base, ...sqlFields, status: 'success', message: outcome.message, ...(outcome.rowsAffected !== undefined ? { rowsAffected: outcome.rowsAffected } : {}), durationMs: elapsed() };
    } catch (error) {
      const sqlFields = compiled ? { compiledSql: compiled.sql, compiledPath: compiled.compiledPath } : {};
      return this.record(node, { ...base, ...sqlFields, status: 'error', message: locateNodeError(error, node, compiled), durationMs: elapsed() });
    }
  }

  private async seed(node: DbtNode, base: ReturnType<typeof describe>, elapsed: () => number): Promise<NodeResult> {
    const relation = node.relation as NonNullable<DbtNode['relation']>;
    await this.ensureSchema(relation.schema);
    const columnTypes = isMapping(node.config.column_types) ? Object.fromEntries(Object.entries(node.config.column_types).map(([k, v]) => [k, String(v)])) : {};
    const rows = await this.adapter.loadSeed(relation, node.seedFile as string, { columnTypes });
    return { ...base, status: 'success', message: `loaded seed ${relation.schema}.${relation.identifier} (${plural(rows, 'row')})`, rowsAffected: rows, durationMs: elapsed() };
  }

  private async ensureSchema(schema: string): Promise<void> {
    if (this.schemas.has(schema)) return;
    await this.adapter.createSchema(schema);
    this.schemas.add(schema);
  }

  /** Remembers a node that did not succeed, so what reads it is skipped. */
  private record(node: DbtNode, result: NodeResult): NodeResult {
    if (result.status === 'error' || result.status === 'fail' || result.status === 'skipped') this.failed.set(node.uniqueId, node.name);
    return result;
  }

  /** The first upstream node that did not succeed, looking through ephemeral models. */
  private blockedBy(id: string, seen = new Set<string>()): string | undefined {
    for (const parent of this.graph.parents.get(id) ?? []) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      const failed = this.failed.get(parent);
      if (failed) return failed;
      const node = this.project.nodes.get(parent);
      if (node && isEphemeral(node)) {
        const through = this.blockedBy(parent, seen);
        if (through) return through;
      }
    }
    return undefined;
  }
}
