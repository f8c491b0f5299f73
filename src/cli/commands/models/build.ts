/** `datadog models build`: seeds, models and tests in dependency order, a model's tests before its children. */
import type { Command } from 'commander';
import { modelsVerbCommand } from './model-command.ts';

/** Builds the `models build` command. */
export function modelsBuildCommand(): Command {
  return modelsVerbCommand('build', 'load seeds, build models and run tests in dependency order; what depends on a failure is skipped', { fullRefresh: true });
}
