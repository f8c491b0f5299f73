/** The `datadog backfill ...` command group: one file per verb beside this one (start one with `pipeline backfill`). */
import { Command } from 'commander';
import { backfillCancelCommand } from './cancel.ts';
import { backfillListCommand } from './list.ts';
import { backfillResumeCommand } from './resume.ts';
import { backfillStatusCommand } from './status.ts';

/** Builds the `backfill` command with its subcommands. */
export function backfillCommand(): Command {
  return new Command('backfill')
    .alias('backfills')
    .description('follow, cancel and resume backfills (start one with: datadog pipeline backfill)')
    .addCommand(backfillListCommand())
    .addCommand(backfillStatusCommand())
    .addCommand(backfillCancelCommand())
    .addCommand(backfillResumeCommand());
}
