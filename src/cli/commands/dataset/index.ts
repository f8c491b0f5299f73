/** The `datadog dataset ...` command group: one file per verb beside this one. */
import { Command } from 'commander';
import { datasetChecksCommand } from './checks.ts';
import { datasetListCommand } from './list.ts';
import { datasetPreviewCommand } from './preview.ts';
import { datasetShowCommand } from './show.ts';

/** Builds the `dataset` command with its subcommands. */
export function datasetCommand(): Command {
  return new Command('dataset')
    .alias('datasets')
    .description('list datasets, show their schema and versions, preview their rows')
    .addCommand(datasetListCommand())
    .addCommand(datasetShowCommand())
    .addCommand(datasetPreviewCommand())
    .addCommand(datasetChecksCommand());
}
