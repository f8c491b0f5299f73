/**
 * `datadog pipeline backfill ID --from DATE --to DATE [--concurrency N] [--wait]`: runs every
 * partition of the range (inclusive), each run with its partition key as a param, at most N at
 * once. In local mode the runs execute in this process, so it always waits; with a server it
 * starts the backfill there and returns, unless --wait.
 */
import { Command } from 'commander';
import { parseParamPairs } from '../../../core/spec/params.ts';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { intOption } from '../../int-option.ts';
import { humanStream, printJson } from '../../output.ts';
import { watchBackfill } from '../../watch-backfill.ts';

interface BackfillOptions {
  from?: string;
  to?: string;
  concurrency?: number;
  param: string[];
  wait?: boolean;
  json?: boolean;
}

/** Builds the `pipeline backfill` command. */
export function pipelineBackfillCommand(): Command {
  return new Command('backfill')
    .description('run every partition of a range of a partitioned pipeline, a few at a time')
    .argument('<pipeline>', 'pipeline id (its spec declares `partitions`)')
    .option('--from <partition>', 'first partition: a date (2026-01-01), a date and hour for hourly ones (2026-01-01T05), or a static value')
    .option('--to <partition>', 'last partition, inclusive')
    .option('-c, --concurrency <n>', 'runs at once (default 4)', intOption(1, 100))
    .option('-p, --param <key=value>', 'a param for every run (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('-w, --wait', 'follow the backfill to its end (always on in local mode)')
    .option('--json', 'print the backfill as JSON on stdout')
    .addHelpText('after', '\nResume a failed or cancelled backfill with `datadog backfill resume ID`; cancel it with `datadog backfill cancel ID`.')
    .action(async (pipelineId: string, options: BackfillOptions, command: Command) => {
      const params = parseParamPairs(options.param);
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const out = humanStream(options.json);
        const started = await backend.startBackfill({ pipelineId, from: options.from, to: options.to, concurrency: options.concurrency, params });
        const { backfill } = started;
        out.write(`backfill ${backfill.id} started: ${backfill.total} partition(s) of ${backfill.pipelineId} from ${backfill.from} to ${backfill.to}, ${backfill.concurrency} at once\n`);
        if (options.wait || backend.mode === 'local') {
          await watchBackfill(backend, backfill.id, options);
          return;
        }
        if (options.json) printJson(started);
        else out.write(`follow it with: datadog backfill status ${backfill.id}\n`);
      });
    });
}
