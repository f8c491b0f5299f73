/**
 * The `datadog models ...` command group: runs a dbt project folder (dbt_project.yml, models,
 * seeds, tests) as dbt users run it. One file per verb beside this one.
 */
import { Command } from 'commander';
import { modelsBuildCommand } from './build.ts';
import { modelsCompileCommand } from './compile.ts';
import { modelsLsCommand } from './ls.ts';
import { modelsRunCommand } from './run.ts';
import { modelsSeedCommand } from './seed.ts';
import { modelsTestCommand } from './test.ts';

/** Builds the `models` command with its subcommands. */
export function modelsCommand(): Command {
  return new Command('models')
    .description('run a dbt-compatible SQL models project on DuckDB or Postgres (run, test, build, seed, compile, ls)')
    .addCommand(modelsRunCommand())
    .addCommand(modelsTestCommand())
    .addCommand(modelsBuildCommand())
    .addCommand(modelsSeedCommand())
    .addCommand(modelsCompileCommand())
    .addCommand(modelsLsCommand());
}
