/** `datadog backfill status ID`: the backfill's progress and each partition with its run. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { formatBackfillDetail } from '../../format/backfill-detail.ts';
import { printJson } from '../../output.ts';

/** Builds the `backfill status` command. */
export function backfillStatusCommand(): Command {
  return new Command('status')
    .description("show a backfill's progress and its partitions")
    .argument('<backfill-id>', 'the backfill')
    .option('--json', 'print the backfill with its partitions as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const detail = await backend.getBackfill(id);
        if (options.json) return printJson(detail);
        process.stdout.write(`${formatBackfillDetail(detail)}\n`);
      });
    });
}
