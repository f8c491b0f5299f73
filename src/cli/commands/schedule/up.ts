/** `datadog schedule up PIPELINE [--index N]`: turns schedules on; slots missed while off are not fired. */
import type { Command } from 'commander';
import { scheduleToggleCommand } from './toggle.ts';

/** Builds the `schedule up` command. */
export function scheduleUpCommand(): Command {
  return scheduleToggleCommand('up', true, "enable a pipeline's schedules (overriding the spec); slots missed while disabled are not fired");
}
