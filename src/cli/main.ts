/**
 * The `datadog` command line. Builds the commander program, runs it, and turns what happened
 * into an exit code: 0 success, 1 a failed run or a platform fault, 2 a user mistake (bad
 * spec, params, usage, unknown ids, conflicts), so scripts can tell "fix your input" from
 * "something broke".
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { errorCodeOf, formatIssues, messageOf, type ErrorCode, type Issue } from '../core/errors.ts';
import { backfillCommand } from './commands/backfill/index.ts';
import { connectorCommand } from './commands/connector/index.ts';
import { datasetCommand } from './commands/dataset/index.ts';
import { modelsCommand } from './commands/models/index.ts';
import { pipelineCommand } from './commands/pipeline/index.ts';
import { scheduleCommand } from './commands/schedule/index.ts';
import { serverCommand } from './commands/server.ts';
import { workerCommand } from './commands/worker.ts';

/** Error codes that mean the user asked for something wrong, not that the platform failed. */
const USER_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  'VALIDATION_ERROR',
  'SPEC_INVALID',
  'DAG_INVALID',
  'YAML_INVALID',
  'PARAM_INVALID',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
]);

/** Exit codes of the CLI. */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2 } as const;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Builds the program; exported for tests that drive the CLI in-process. */
export function createProgram(): Command {
  const program = new Command('datadog')
    .description('DataDog Platform: pipelines as DAGs of tasks, run locally or on a server')
    // Only -V here: `dataset preview --version ID` needs the long flag, and commander hands a
    // program option the flag wherever it appears. A leading --version still works (see main).
    .version(packageVersion(), '-V', 'print the version (also --version as the first argument)')
    .addOption(new Option('--server <url>', 'talk to a DataDog server instead of running in this process').env('DATADOG_SERVER'))
    .addOption(new Option('--home <dir>', 'home folder of local mode (store, datasets)').env('DATADOG_HOME'))
    .option('--verbose', 'log what the platform does (to stderr)')
    .addCommand(pipelineCommand())
    .addCommand(datasetCommand())
    .addCommand(connectorCommand())
    .addCommand(modelsCommand())
    .addCommand(scheduleCommand())
    .addCommand(backfillCommand())
    .addCommand(serverCommand())
    .addCommand(workerCommand());
  applyRecursively(program, (command) => command.exitOverride().showHelpAfterError('(add --help for usage)'));
  return program;
}

/**
 * Runs the CLI with `argv` as in process.argv (node, script, args...). Never exits the
 * process itself: it sets `process.exitCode`, so open handles are closed by their owners.
 */
export async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  const args = argv[2] === '--version' ? [...argv.slice(0, 2), '-V', ...argv.slice(3)] : argv;
  try {
    await program.parseAsync(args);
  } catch (error) {
    process.exitCode = reportError(error, argv.includes('--verbose'));
  }
}

/** Prints an error the way users should see it and returns the exit code for it. */
function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // Commander printed its message (or the help / version) already.
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const code = errorCodeOf(error);
  let message = `error: ${messageOf(error)}`;
  const missing = issuesOf(error).filter((issue) => !message.includes(formatIssues([issue])));
  if (missing.length > 0) message += `\n${formatIssues(missing)}`;
  if (code && USER_ERROR_CODES.has(code)) {
    process.stderr.write(`${message}\n`);
    return EXIT_CODES.usage;
  }
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  process.stderr.write(`${message}${stack}\n`);
  return EXIT_CODES.failed;
}

/** The issues of a ValidationError, or of one that crossed the API as `details.issues`. */
function issuesOf(error: unknown): Issue[] {
  if (!error || typeof error !== 'object') return [];
  const direct = (error as { issues?: unknown }).issues;
  const details = (error as { details?: { issues?: unknown } }).details;
  const issues = Array.isArray(direct) ? direct : Array.isArray(details?.issues) ? details.issues : [];
  return issues.filter((i): i is Issue => Boolean(i) && typeof (i as Issue).message === 'string').map((i) => ({ path: String(i.path ?? ''), message: i.message }));
}

function applyRecursively(command: Command, fn: (command: Command) => void): void {
  fn(command);
  for (const sub of command.commands) applyRecursively(sub, fn);
}
