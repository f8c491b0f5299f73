/** `datadog backfill list`: backfills, newest first. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { localTime } from '../../format/local-time.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

/** Builds the `backfill list` command. */
export function backfillListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('list backfills, newest first')
    .option('--pipeline <id>', 'only the backfills of this pipeline')
    .option('--json', 'print the backfills as a JSON array')
    .action(async (options: { pipeline?: string; json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const backfills = await backend.listBackfills(options.pipeline ? { pipelineId: options.pipeline } : {});
        if (options.json) return printJson(backfills);
        if (backfills.length === 0) {
          process.stdout.write('no backfills yet; start one with: datadog pipeline backfill ID --from DATE --to DATE\n');
          return;
        }
        const rows = backfills.map((b) => [b.id, b.pipelineId, `${b.from} .. ${b.to}`, String(b.total), b.status, localTime(b.createdAt)]);
        process.stdout.write(`${formatTable(['ID', 'PIPELINE', 'RANGE', 'PARTITIONS', 'STATUS', 'CREATED'], rows)}\n`);
      });
    });
}
