/** `datadog pipeline list`: the registered pipelines as a table, or as JSON. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { localTime } from '../../format/local-time.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

/** Builds the `pipeline list` command. */
export function pipelineListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('list registered pipelines')
    .option('--json', 'print the pipelines as a JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const pipelines = await backend.listPipelines();
        if (options.json) return printJson(pipelines);
        if (pipelines.length === 0) {
          process.stdout.write('no pipelines registered yet; register one with: datadog pipeline create -f FILE\n');
          return;
        }
        const rows = pipelines.map((p) => [p.id, p.name, p.currentVersion, p.tags.join(','), localTime(p.updatedAt)]);
        process.stdout.write(`${formatTable(['ID', 'NAME', 'VERSION', 'TAGS', 'UPDATED'], rows)}\n`);
      });
    });
}
