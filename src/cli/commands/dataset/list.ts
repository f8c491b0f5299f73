/** `datadog dataset list`: the published datasets as a table, or as JSON. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { localTime } from '../../format/local-time.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

/** Builds the `dataset list` command. */
export function datasetListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('list datasets with their row count, latest version and pipeline')
    .option('--json', 'print the datasets as a JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const datasets = await backend.listDatasets();
        if (options.json) return printJson(datasets);
        if (datasets.length === 0) {
          process.stdout.write('no datasets yet; they appear once a pipeline with source or transform tasks has run\n');
          return;
        }
        const rows = datasets.map((d) => [d.name, String(d.rows), d.latestVersionId ?? '', d.pipelineId, localTime(d.updatedAt)]);
        process.stdout.write(`${formatTable(['NAME', 'ROWS', 'LATEST VERSION', 'PIPELINE', 'UPDATED'], rows)}\n`);
      });
    });
}
