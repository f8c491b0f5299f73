/**
 * `datadog models ls`: lists the selected seeds, models and tests, as `project.folder.name`
 * (`--output name`, `path` or `json` for other forms). Needs no database connection.
 */
import { Command, Option } from 'commander';
import { runModelsVerb, withModelOptions, type ModelsOptions } from './model-command.ts';

interface LsOptions extends ModelsOptions {
  output: 'selector' | 'name' | 'path' | 'json';
  resourceType?: string[];
}

/** Builds the `models ls` command. */
export function modelsLsCommand(): Command {
  return withModelOptions(new Command('ls').alias('list').description('list the selected seeds, models and tests'))
    .addOption(new Option('--output <format>', 'how to print each node').choices(['selector', 'name', 'path', 'json']).default('selector'))
    .option('--resource-type <type...>', 'only these kinds: model, seed, test')
    .action(async (options: LsOptions) => {
      const result = await runModelsVerb('ls', { ...options, json: false });
      const nodes = result.results.filter((r) => !options.resourceType || options.resourceType.includes(r.resourceType));
      for (const node of nodes) {
        if (options.output === 'json') process.stdout.write(`${JSON.stringify({ name: node.node, unique_id: node.uniqueId, resource_type: node.resourceType, materialized: node.materialized, relation: node.relation, depends_on: node.dependsOn })}\n`);
        else if (options.output === 'name') process.stdout.write(`${node.node}\n`);
        else if (options.output === 'path') process.stdout.write(`${node.path}\n`);
        else process.stdout.write(`${node.message}\n`);
      }
    });
}
