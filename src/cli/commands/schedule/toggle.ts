/** What `schedule up` and `schedule down` share: both set the enable override of one schedule or all of a pipeline's. */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { intOption } from '../../int-option.ts';
import { localTime } from '../../format/local-time.ts';
import { printJson } from '../../output.ts';

/**
 * Builds `schedule up` (enabled) or `schedule down` (disabled).
 * @example
 * scheduleToggleCommand('up', true, 'enable ...');
 */
export function scheduleToggleCommand(name: 'up' | 'down', enabled: boolean, description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<pipeline>', 'pipeline id')
    .option('--index <n>', "only the schedule at this position of the spec's `schedules` (default: all of them)", intOption(0, 10_000))
    .option('--json', 'print the changed schedules as JSON')
    .action(async (pipelineId: string, options: { index?: number; json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const changed = await backend.setScheduleEnabled(pipelineId, options.index, enabled);
        if (options.json) return printJson(changed);
        for (const s of changed) {
          const next = s.nextFireTimes[0] ? `; next fire ${localTime(s.nextFireTimes[0])}` : '';
          process.stdout.write(`schedule ${s.pipelineId}[${s.index}] (${s.cron}${s.timezone ? ` ${s.timezone}` : ''}) ${enabled ? 'enabled' : 'disabled'}${next}\n`);
        }
      });
    });
}
