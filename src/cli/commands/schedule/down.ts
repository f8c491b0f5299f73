/** `datadog schedule down PIPELINE [--index N]`: turns schedules off until `schedule up`. */
import type { Command } from 'commander';
import { scheduleToggleCommand } from './toggle.ts';

/** Builds the `schedule down` command. */
export function scheduleDownCommand(): Command {
  return scheduleToggleCommand('down', false, "disable a pipeline's schedules (overriding the spec) until `schedule up`");
}
