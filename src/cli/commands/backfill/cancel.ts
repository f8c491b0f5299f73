/** `datadog backfill cancel ID`: cancels a backfill as one unit: its running runs, and every partition not started. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { backfillProgressLine } from '../../format/backfill-detail.ts';
import { printJson } from '../../output.ts';

/** Builds the `backfill cancel` command. */
export function backfillCancelCommand(): Command {
  return new Command('cancel')
    .description('cancel a running backfill: its running runs are cancelled, its pending partitions marked cancelled')
    .argument('<backfill-id>', 'the backfill')
    .option('--json', 'print the backfill as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const detail = await backend.cancelBackfill(id);
        if (options.json) return printJson(detail);
        process.stdout.write(`${backfillProgressLine(detail)}\n`);
        if (detail.progress.running > 0) process.stdout.write(`${detail.progress.running} run(s) still stopping; see: datadog backfill status ${id}\n`);
      });
    });
}
