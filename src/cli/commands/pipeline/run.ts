/**
 * `datadog pipeline run ID|FILE`: starts a run and, with --wait (always in local mode), follows
 * it to the end. Exit code 0 when the run succeeded, 1 when it failed or was cancelled, 2 when
 * the input was wrong (bad params, unknown pipeline), checked before anything runs.
 */
import { stat } from 'node:fs/promises';
import { Command } from 'commander';
import { loadSpecFile } from '../../../core/spec/load-spec-file.ts';
import { parseParamPairs, resolveParams, type ParamValues } from '../../../core/spec/params.ts';
import { validatePipelineSpec } from '../../../core/spec/validate-spec.ts';
import { createTaskKindRegistry } from '../../../task-kinds.ts';
import type { CliBackend, GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { humanStream, printJson } from '../../output.ts';
import { watchRun } from '../../watch-run.ts';

interface RunOptions {
  param: string[];
  wait?: boolean;
  json?: boolean;
  logs?: boolean;
}

/** Collects a repeatable option into a list. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Builds the `pipeline run` command. */
export function pipelineRunCommand(): Command {
  return new Command('run')
    .description('run a pipeline by id, or register a pipeline file and run it')
    .argument('<pipeline>', 'pipeline id, or a pipeline file to register first')
    .option('-p, --param <key=value>', 'a run param (repeatable); checked against the declared params before the run starts', collect, [])
    .option('-w, --wait', 'follow the run until it ends and exit 0 only if it succeeded (always on in local mode, where the run executes inside this process)')
    .option('--logs', "also print the tasks' output lines while following")
    .option('--json', 'print the run (with --wait: the finished run with its tasks) as JSON on stdout')
    .addHelpText(
      'after',
      '\nWithout --server (or DATADOG_SERVER) the run executes in this process, so the command always waits for it to end;\nCtrl-C cancels the run. With a server, it starts the run there and returns, unless --wait.',
    )
    .action(async (target: string, options: RunOptions, command: Command) => {
      const params = parseParamPairs(options.param);
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const out = humanStream(options.json);
        const pipelineId = await resolvePipeline(backend, target, params, out);
        const run = await backend.triggerRun(pipelineId, params);
        // Printed before following, so the run can be cancelled or inspected from elsewhere at once.
        out.write(`run ${run.id} started (pipeline ${run.pipelineId}, version ${run.pipelineVersion})\n`);
        if (options.wait || backend.mode === 'local') {
          await watchRun(backend, run, options);
          return;
        }
        if (options.json) printJson({ run });
        else out.write(`follow it with: datadog pipeline status ${run.id}   (or: datadog pipeline logs ${run.id} --follow)\n`);
      });
    });
}

/**
 * The id of the pipeline to run. A file is checked, its params too, before it is registered,
 * so a typo in `--param` leaves no new version behind.
 */
async function resolvePipeline(backend: CliBackend, target: string, params: ParamValues, out: NodeJS.WritableStream): Promise<string> {
  const isFile = (await stat(target).catch(() => undefined))?.isFile() ?? false;
  const looksLikeFile = /[\\/]|\.(ya?ml|json|[cm]?[jt]s)$/i.test(target);
  if (!isFile && !looksLikeFile) return target;
  // loadSpecFile reports a missing file with its name.
  const { raw } = await loadSpecFile(target);
  const { spec } = validatePipelineSpec(raw, createTaskKindRegistry(), target);
  resolveParams(spec, params);
  const { pipeline, version, newVersion } = await backend.registerFile(target);
  out.write(`pipeline ${pipeline.id} version ${version}${newVersion ? ' (new version)' : ''}\n`);
  return pipeline.id;
}
