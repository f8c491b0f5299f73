/**
 * `datadog pipeline cancel RUN_ID`: cancels a run wherever it runs. A run driven by another
 * process (another CLI, a server) sees the request at its next check, so this waits a little
 * for the run to reach `cancelled` and says so.
 */
import { Command } from 'commander';
import { isTerminalRunStatus } from '../../../core/statuses.ts';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { printJson } from '../../output.ts';

const POLL_MS = 200;

/** Builds the `pipeline cancel` command. */
export function pipelineCancelCommand(): Command {
  return new Command('cancel')
    .description('cancel a queued or running run')
    .argument('<run-id>', 'the run')
    .option('--timeout <seconds>', 'how long to wait for the run to stop', '10')
    .option('--json', 'print the run as JSON')
    .action(async (runId: string, options: { timeout: string; json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        let run = await backend.cancelRun(runId);
        const deadline = Date.now() + Math.max(0, Number(options.timeout) || 0) * 1000;
        while (!isTerminalRunStatus(run.status) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          run = (await backend.getRun(runId)).run;
        }
        if (options.json) return printJson({ run });
        if (isTerminalRunStatus(run.status)) process.stdout.write(`run ${run.id} ${run.status}\n`);
        else process.stdout.write(`cancellation of run ${run.id} requested; it is still ${run.status} and stops when its process next checks\n`);
      });
    });
}
