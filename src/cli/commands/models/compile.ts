/**
 * `datadog models compile`: renders the selected models and tests to SQL under
 * target/compiled/, without running them. With one node selected, its SQL is printed too.
 */
import { Command } from 'commander';
import { runModelsVerb, withModelOptions, type ModelsOptions } from './model-command.ts';

/** Builds the `models compile` command. */
export function modelsCompileCommand(): Command {
  return withModelOptions(new Command('compile').description('render the selected models and tests to SQL under target/compiled/ (prints the SQL of a single node)')).action(
    async (options: ModelsOptions) => {
      const result = await runModelsVerb('compile', options);
      const [only] = result.results;
      if (!options.json && result.results.length === 1 && only?.compiledSql !== undefined) process.stdout.write(`\n${only.compiledSql}\n`);
    },
  );
}
