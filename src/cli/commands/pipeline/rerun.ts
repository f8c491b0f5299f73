/**
 * `datadog pipeline rerun RUN_ID`: runs a failed or cancelled run again from its failure. The
 * new run reuses every task that succeeded and executes the rest, with the same params.
 */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { humanStream, printJson } from '../../output.ts';
import { watchRun } from '../../watch-run.ts';

/** Builds the `pipeline rerun` command. */
export function pipelineRerunCommand(): Command {
  return new Command('rerun')
    .description('re-run a failed or cancelled run, reusing the tasks that succeeded')
    .argument('<run-id>', 'the run to re-run')
    .option('-w, --wait', 'follow the new run until it ends (always on in local mode, where it executes inside this process)')
    .option('--logs', "also print the tasks' output lines while following")
    .option('--json', 'print the new run as JSON on stdout')
    .action(async (runId: string, options: { wait?: boolean; json?: boolean; logs?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const out = humanStream(options.json);
        const run = await backend.rerun(runId);
        out.write(`run ${run.id} started (re-run of ${runId}, pipeline ${run.pipelineId}, version ${run.pipelineVersion})\n`);
        if (options.wait || backend.mode === 'local') {
          await watchRun(backend, run, options);
          return;
        }
        if (options.json) printJson({ run });
        else out.write(`follow it with: datadog pipeline status ${run.id}\n`);
      });
    });
}
