/**
 * Loads a dbt project folder as dbt users write it, unmodified: dbt_project.yml, the profile's
 * target, macros, docs blocks, properties files, seeds, models and tests, parsed into a checked
 * graph. Problems of the project (bad YAML, a Jinja syntax error, an unknown ref, a cycle) throw
 * a ValidationError naming the file and line.
 *
 * @example
 * const project = await loadDbtProject({ projectDir: 'analytics', target: 'dev' });
 * for (const id of project.graph.order) console.log(project.node(id).name);
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../core/errors.ts';
import type { SqlQuoting } from './adapters/model-adapter.ts';
import { sqlQuoting } from './adapters/sql-quoting.ts';
import type { DbtNode, SourceTable } from './dbt-node.ts';
import { collectDocsBlocks } from './docs-blocks.ts';
import { baseGlobals } from './jinja/dbt-context.ts';
import { DbtDateTime } from './jinja/dbt-datetime.ts';
import { DbtJinja } from './jinja/dbt-jinja.ts';
import { NodeParser } from './node-parser.ts';
import { readProjectConfig, type ProjectConfig } from './project-config.ts';
import { listProjectFiles } from './project-files.ts';
import { ProjectGraph } from './project-graph.ts';
import { loadTarget, type TargetConfig } from './profiles.ts';
import { parsePropertiesFile } from './properties-file.ts';

/** Where the project is and how to read it. */
export interface LoadProjectOptions {
  projectDir: string;
  /** A target (output) of the profile; default: the profile's `target:`. */
  target?: string;
  /** Folder of profiles.yml; default: DBT_PROFILES_DIR, the project folder, then ~/.dbt. */
  profilesDir?: string;
  /** Vars that win over dbt_project.yml's (`--vars`). */
  vars?: Record<string, unknown>;
  /** Environment for `env_var()` (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The command being run, as `flags.WHICH` (default `compile`). */
  command?: string;
  fullRefresh?: boolean;
  runStartedAt?: Date;
}

/** A loaded project: its nodes, sources and graph, and the Jinja engine its macros live in. */
export class DbtProject {
  constructor(
    readonly dir: string,
    readonly config: ProjectConfig,
    readonly target: TargetConfig,
    readonly vars: Readonly<Record<string, unknown>>,
    readonly env: NodeJS.ProcessEnv,
    readonly jinja: DbtJinja,
    readonly nodes: ReadonlyMap<string, DbtNode>,
    readonly sources: ReadonlyMap<string, SourceTable>,
    readonly graph: ProjectGraph,
    readonly parser: NodeParser,
    readonly runStartedAt: DbtDateTime,
    readonly invocationId: string,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get quoting(): SqlQuoting {
    return sqlQuoting(this.target.type);
  }

  /** A node by unique id. */
  node(id: string): DbtNode {
    const node = this.nodes.get(id);
    if (!node) throw new NotFoundError('dbt node', id);
    return node;
  }

  /** A model or seed by name. */
  byName(name: string): DbtNode | undefined {
    return this.parser.byName(name);
  }

  /** Absolute folder of compiled SQL. */
  get targetDir(): string {
    return path.resolve(this.dir, this.config.targetPath);
  }
}

/** Reads and parses a project; see the file comment for what it checks. */
export async function loadDbtProject(options: LoadProjectOptions): Promise<DbtProject> {
  const dir = path.resolve(options.projectDir);
  const env = options.env ?? process.env;
  const cliVars = options.vars ?? {};
  const jinja = new DbtJinja();
  const config = await readProjectConfig(dir, (text) => jinja.renderString(text, 'dbt_project.yml', baseGlobals({ vars: cliVars, env }, 'dbt_project.yml')));
  const vars = { ...config.vars, ...cliVars };
  const target = await loadTarget({
    projectDir: dir,
    profileName: config.profile,
    env,
    render: (text, file) => jinja.renderString(text, file, baseGlobals({ vars: cliVars, env }, file)),
    ...(options.target ? { target: options.target } : {}),
    ...(options.profilesDir ? { profilesDir: options.profilesDir } : {}),
  });
  const files = await listProjectFiles(dir, config);
  const read = (file: string) => readFile(path.join(dir, file), 'utf8');
  for (const file of files.macros) jinja.loadMacros(await read(file), file);
  const docs = new Map<string, { text: string; file: string }>();
  for (const file of files.docs) collectDocsBlocks(await read(file), file, docs);
  const properties = await Promise.all(files.properties.map(async (file) => parsePropertiesFile(await read(file), file)));
  const runStartedAt = new DbtDateTime(options.runStartedAt ?? new Date());
  const invocationId = randomUUID();
  const parser = new NodeParser({
    dir,
    config,
    target,
    vars,
    env,
    jinja,
    docs,
    quoting: sqlQuoting(target.type),
    runStartedAt,
    invocationId,
    command: options.command ?? 'compile',
    fullRefresh: options.fullRefresh ?? false,
  });
  parser.addProperties(properties);
  for (const file of files.seeds) parser.addSeed(file);
  for (const file of files.models) parser.addModel(file, await read(file));
  for (const file of files.singularTests) parser.addSingularTest(file, await read(file));
  parser.addGenericTests();
  parser.finish();
  const graph = ProjectGraph.build([...parser.nodes.values()]);
  return new DbtProject(dir, config, target, vars, env, jinja, parser.nodes, parser.sources, graph, parser, runStartedAt, invocationId);
}
