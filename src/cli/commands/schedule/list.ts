/** `datadog schedule list`: every schedule with whether it is on, when it fired last and when it fires next. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { intOption } from '../../int-option.ts';
import { localTime } from '../../format/local-time.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

interface ListOptions {
  pipeline?: string;
  next: number;
  json?: boolean;
}

/** Builds the `schedule list` command. */
export function scheduleListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('list schedules: pipeline, cron, time zone, enabled, last and next fire times')
    .option('--pipeline <id>', 'only the schedules of this pipeline')
    .option('-n, --next <count>', 'next fire times to show per schedule', intOption(1, 50), 3)
    .option('--json', 'print the schedules as a JSON array (times in ISO UTC)')
    .action(async (options: ListOptions, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const schedules = await backend.listSchedules({ count: options.next, ...(options.pipeline ? { pipelineId: options.pipeline } : {}) });
        if (options.json) return printJson(schedules);
        if (schedules.length === 0) {
          process.stdout.write('no schedules; add `schedules: [{ cron: "0 5 * * *" }]` to a pipeline spec\n');
          return;
        }
        const rows = schedules.map((s) => [
          s.pipelineId,
          String(s.index),
          s.cron,
          s.timezone ?? 'UTC',
          s.enabled ? 'yes' : s.enabledOverride === false ? 'no (down)' : 'no (spec)',
          localTime(s.lastFiredAt) || '-',
          s.nextFireTimes.map(localTime).join(', ') || '-',
        ]);
        process.stdout.write(`${formatTable(['PIPELINE', 'INDEX', 'CRON', 'TIME ZONE', 'ENABLED', 'LAST FIRED', 'NEXT FIRES (local time)'], rows)}\n`);
      });
    });
}
