/** `datadog models seed`: loads the project's CSV seeds as tables. */
import type { Command } from 'commander';
import { modelsVerbCommand } from './model-command.ts';

/** Builds the `models seed` command. */
export function modelsSeedCommand(): Command {
  return modelsVerbCommand('seed', 'load the CSV files under seeds/ as tables', { fullRefresh: true });
}
