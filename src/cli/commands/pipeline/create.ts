/**
 * `datadog pipeline create -f FILE`: registers a pipeline. Registering an unchanged spec is a
 * no-op that reports the existing version; a changed one becomes a new version.
 */
import { Command } from 'commander';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { printJson } from '../../output.ts';

/** Builds the `pipeline create` command. */
export function pipelineCreateCommand(): Command {
  return new Command('create')
    .description('register a pipeline from a file (a changed spec becomes a new version)')
    .requiredOption('-f, --file <file>', 'pipeline file: .yaml, .yml, .json, .ts or .js')
    .option('--json', 'print the result as JSON')
    .action(async (options: { file: string; json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const { pipeline, version, newVersion } = await backend.registerFile(options.file);
        if (options.json) return printJson({ pipeline, version, newVersion });
        const what = newVersion ? 'new version' : 'unchanged: this version was already registered';
        process.stdout.write(`pipeline ${pipeline.id} version ${version} (${what})\n`);
      });
    });
}
