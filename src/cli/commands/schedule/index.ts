/** The `datadog schedule ...` command group: one file per verb beside this one. */
import { Command } from 'commander';
import { scheduleDownCommand } from './down.ts';
import { scheduleListCommand } from './list.ts';
import { scheduleUpCommand } from './up.ts';

/** Builds the `schedule` command with its subcommands. */
export function scheduleCommand(): Command {
  return new Command('schedule')
    .alias('schedules')
    .description("list pipelines' cron schedules with their next fire times; turn them on and off")
    .addCommand(scheduleListCommand())
    .addCommand(scheduleUpCommand())
    .addCommand(scheduleDownCommand());
}
