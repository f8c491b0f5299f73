/** The `datadog pipeline ...` command group: one file per verb beside this one. */
import { Command } from 'commander';
import { pipelineBackfillCommand } from './backfill.ts';
import { pipelineCancelCommand } from './cancel.ts';
import { pipelineCreateCommand } from './create.ts';
import { pipelineListCommand } from './list.ts';
import { pipelineLogsCommand } from './logs.ts';
import { pipelineRerunCommand } from './rerun.ts';
import { pipelineRunCommand } from './run.ts';
import { pipelineStatusCommand } from './status.ts';
import { pipelineValidateCommand } from './validate.ts';

/** Builds the `pipeline` command with its subcommands. */
export function pipelineCommand(): Command {
  return new Command('pipeline')
    .alias('pipelines')
    .description('register, validate, run and inspect pipelines')
    .addCommand(pipelineCreateCommand())
    .addCommand(pipelineListCommand())
    .addCommand(pipelineValidateCommand())
    .addCommand(pipelineRunCommand())
    .addCommand(pipelineStatusCommand())
    .addCommand(pipelineLogsCommand())
    .addCommand(pipelineCancelCommand())
    .addCommand(pipelineRerunCommand())
    .addCommand(pipelineBackfillCommand());
}
