/**
 * What the `datadog models <verb>` commands share: the dbt-style options (`--select`,
 * `--exclude`, `--target`, `--project-dir`, `--vars`, `--full-refresh`), one line per node as it
 * finishes, a dbt-like summary, and exit codes: 1 when a node errors or a test fails with
 * severity error, 2 when the project itself is invalid (thrown as a ValidationError).
 */
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../../../core/errors.ts';
import { buildProject, type BuildCommand, type BuildResult, type NodeResult, type NodeStatus } from '../../../models/build.ts';
import { isMapping } from '../../../models/node-config.ts';
import { INDIRECT_SELECTIONS, type IndirectSelection } from '../../../models/node-selection.ts';
import { humanStream, printJson } from '../../output.ts';

/** Options every models verb takes. */
export interface ModelsOptions {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  select?: string[];
  exclude?: string[];
  indirectSelection?: IndirectSelection;
  fullRefresh?: boolean;
  vars?: string;
  json?: boolean;
}

const LABELS: Record<NodeStatus, string> = { success: 'OK', pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/** Adds the shared options to a verb's command. */
export function withModelOptions(command: Command, options: { fullRefresh?: boolean } = {}): Command {
  command
    .option('--project-dir <dir>', 'the dbt project folder (default: the current folder)')
    .option('--profiles-dir <dir>', 'folder of profiles.yml (default: DBT_PROFILES_DIR, the project folder, then ~/.dbt)')
    .option('-t, --target <name>', "the profile target to use (default: the profile's target)")
    .option('-s, --select <selector...>', 'nodes to include: names, +model, model+, tag:x, path:models/staging, ... (a union)')
    .option('--exclude <selector...>', 'nodes to leave out, same syntax')
    .addOption(new Option('--indirect-selection <mode>', 'which tests follow the selected models (eager: any tested node selected)').choices(INDIRECT_SELECTIONS))
    .option('--vars <yaml>', "vars as YAML or JSON, e.g. '{vip_threshold: 50}'")
    .option('--json', 'print the result as JSON');
  if (options.fullRefresh) command.option('--full-refresh', 'rebuild incremental models from scratch');
  return command;
}

/** Parses `--vars`; a non-mapping is a usage error. */
export function parseVars(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ValidationError(`--vars is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (!isMapping(value)) throw new ValidationError(`--vars must be a mapping such as '{name: value}'`);
  return value;
}

/** Runs a verb and prints its progress and summary; sets exit code 1 when a node failed. */
export async function runModelsVerb(command: BuildCommand, options: ModelsOptions): Promise<BuildResult> {
  const out = humanStream(options.json);
  const vars = parseVars(options.vars);
  const result = await buildProject({
    projectDir: options.projectDir ?? process.cwd(),
    command,
    ...(options.target ? { target: options.target } : {}),
    ...(options.profilesDir ? { profilesDir: options.profilesDir } : {}),
    ...(options.select ? { select: options.select } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.indirectSelection ? { indirectSelection: options.indirectSelection } : {}),
    ...(options.fullRefresh ? { fullRefresh: true } : {}),
    ...(vars ? { vars } : {}),
    onLog: (node, message) => process.stderr.write(`${node}: ${message}\n`),
    onResult: (node, progress) => {
      if (command !== 'ls') out.write(`${formatNodeLine(node, progress.index, progress.total)}\n`);
    },
  });
  if (options.json) printJson(result);
  else if (command !== 'ls') out.write(`${formatSummary(result)}\n`);
  if (result.errors.length > 0) process.exitCode = 1;
  return result;
}

/** `3/12 OK    model stg_orders: created view main.stg_orders (0.02s)`. */
export function formatNodeLine(node: NodeResult, index: number, total: number): string {
  const seconds = (node.durationMs / 1000).toFixed(2);
  return `${String(index).padStart(String(total).length)}/${total} ${LABELS[node.status].padEnd(5)} ${node.resourceType} ${node.node}: ${node.message} (${seconds}s)`;
}

/** `Done. PASS=30 WARN=2 ERROR=1 SKIP=0 TOTAL=33` (OK counts as PASS, FAIL as ERROR, as in dbt). */
export function formatSummary(result: BuildResult): string {
  const count = (...statuses: NodeStatus[]) => result.results.filter((r) => statuses.includes(r.status)).length;
  const line = `Done. PASS=${count('success', 'pass')} WARN=${count('warn')} ERROR=${count('error', 'fail')} SKIP=${count('skipped')} TOTAL=${result.results.length}`;
  if (result.errors.length === 0) return line;
  return `${line}\n\nFailures:\n${result.errors.map((e) => `  ${e.node}: ${e.message}`).join('\n')}`;
}

/** Builds the command of a verb that runs nodes (`run`, `test`, `build`, `seed`). */
export function modelsVerbCommand(verb: Exclude<BuildCommand, 'ls' | 'compile'>, description: string, options: { fullRefresh?: boolean } = {}): Command {
  return withModelOptions(new Command(verb).description(description), options).action(async (opts: ModelsOptions) => {
    await runModelsVerb(verb, opts);
  });
}
