/**
 * `datadog pipeline validate FILE`: checks a pipeline file without registering or running it.
 * It needs no store and no server: the spec is checked here against the built-in task kinds.
 */
import { Command } from 'commander';
import { loadSpecFile } from '../../../core/spec/load-spec-file.ts';
import { specVersion } from '../../../core/spec/spec-version.ts';
import { validatePipelineSpec } from '../../../core/spec/validate-spec.ts';
import { createTaskKindRegistry } from '../../../task-kinds.ts';
import { printJson } from '../../output.ts';

/** Builds the `pipeline validate` command. Invalid files throw a ValidationError (exit 2, paths listed). */
export function pipelineValidateCommand(): Command {
  return new Command('validate')
    .description('check a pipeline file (schema, task configs, DAG) without registering it')
    .argument('<file>', 'pipeline file: .yaml, .yml, .json, .ts or .js')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { raw } = await loadSpecFile(file);
      const { spec, dag } = validatePipelineSpec(raw, createTaskKindRegistry(), file);
      const version = specVersion(spec);
      if (options.json) {
        printJson({ ok: true, pipelineId: spec.id, version, tasks: spec.tasks.length, order: dag.order });
        return;
      }
      const count = `${spec.tasks.length} task${spec.tasks.length === 1 ? '' : 's'}`;
      process.stdout.write(`OK ${file}: pipeline '${spec.id}', ${count}, version ${version}\n`);
    });
}
