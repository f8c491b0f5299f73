/**
 * `datadog backfill resume ID`: runs a failed or cancelled backfill's failed, cancelled and
 * missing partitions again; where a run failed it re-runs from the failure, reusing the tasks
 * that succeeded. In local mode it follows to the end (the runs execute in this process).
 */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { backfillProgressLine } from '../../format/backfill-detail.ts';
import { humanStream, printJson } from '../../output.ts';
import { watchBackfill } from '../../watch-backfill.ts';

/** Builds the `backfill resume` command. */
export function backfillResumeCommand(): Command {
  return new Command('resume')
    .description('run the failed, cancelled and missing partitions of a backfill again')
    .argument('<backfill-id>', 'the backfill')
    .option('-w, --wait', 'follow the backfill to its end (always on in local mode)')
    .option('--json', 'print the backfill as JSON on stdout')
    .action(async (id: string, options: { wait?: boolean; json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const detail = await backend.resumeBackfill(id);
        humanStream(options.json).write(`resumed: ${backfillProgressLine(detail)}\n`);
        if (options.wait || backend.mode === 'local') {
          await watchBackfill(backend, id, options);
          return;
        }
        if (options.json) printJson(detail);
      });
    });
}
