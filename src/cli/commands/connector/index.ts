/** The `datadog connector ...` command group: one file per verb beside this one. */
import { Command } from 'commander';
import { connectorListCommand } from './list.ts';
import { connectorTestCommand } from './test.ts';

/** Builds the `connector` command with its subcommands. */
export function connectorCommand(): Command {
  return new Command('connector')
    .alias('connectors')
    .description('list connector types and test connector configs')
    .addCommand(connectorListCommand())
    .addCommand(connectorTestCommand());
}
