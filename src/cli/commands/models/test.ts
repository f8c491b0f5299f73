/** `datadog models test`: runs the selected tests (generic and singular) against built models. */
import type { Command } from 'commander';
import { modelsVerbCommand } from './model-command.ts';

/** Builds the `models test` command. */
export function modelsTestCommand(): Command {
  return modelsVerbCommand('test', 'run the tests of the selected models (exit 1 when a test with severity error fails)');
}
