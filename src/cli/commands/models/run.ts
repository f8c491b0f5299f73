/** `datadog models run`: builds the selected models (views, tables, incremental tables). */
import type { Command } from 'commander';
import { modelsVerbCommand } from './model-command.ts';

/** Builds the `models run` command. */
export function modelsRunCommand(): Command {
  return modelsVerbCommand('run', 'build the selected models in dependency order (exit 1 when one fails)', { fullRefresh: true });
}
