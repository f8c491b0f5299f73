/**
 * Validates a raw pipeline (from YAML or TypeScript) into a PipelineSpec: the zod schema, then
 * each task's config against its kind, then the DAG. Every problem is reported with its path.
 */
import type { z } from 'zod';
import { ValidationError, type Issue } from '../errors.ts';
import { buildDag, type Dag } from '../dag.ts';
import { zodIssues } from '../zod-issues.ts';
import { pipelineSpecSchema, type PipelineSpec } from './pipeline-spec.ts';

/** Looks up the config schema of a task kind; undefined means the kind is unknown. */
export interface TaskKindLookup {
  configSchema(kind: string): z.ZodType | undefined;
  kindNames(): string[];
}

/** A spec that passed every check, with its DAG. */
export interface ValidatedPipeline {
  spec: PipelineSpec;
  dag: Dag;
}

/**
 * Checks a raw spec. `source` names the file or request in the error message.
 * @example
 * const { spec, dag } = validatePipelineSpec(parseYamlMapping(text), kinds, 'hello.yaml');
 */
export function validatePipelineSpec(raw: unknown, kinds: TaskKindLookup, source = 'pipeline'): ValidatedPipeline {
  const parsed = pipelineSpecSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ValidationError(`${source}: invalid pipeline spec`, zodIssues(parsed.error), 'SPEC_INVALID');
  const spec = parsed.data;

  const issues: Issue[] = [];
  spec.tasks.forEach((task, i) => {
    const schema = kinds.configSchema(task.kind);
    if (!schema) {
      issues.push({ path: `tasks[${i}].kind`, message: `unknown task kind '${task.kind}' (known: ${kinds.kindNames().join(', ')})` });
      return;
    }
    const config = schema.safeParse(task.config, { reportInput: true });
    // The spec keeps the config as written (that is what is stored, hashed and re-validated);
    // the task runner parses it again with the kind's schema when the task runs.
    if (!config.success) issues.push(...zodIssues(config.error, `tasks[${i}].config`));
    if (task.kind === 'script' && !task.run && !('module' in task.config)) {
      issues.push({ path: `tasks[${i}]`, message: 'a script task needs `run` (TypeScript) or `config.module` and `config.export` (YAML)' });
    }
    if (task.pool && !(task.pool in spec.pools) && task.pool !== 'default') {
      // Pools without a declared size are allowed and unbounded within the run; nothing to check.
    }
  });
  for (const [name, param] of Object.entries(spec.params)) {
    if (param.required && param.default !== undefined) {
      issues.push({ path: `params.${name}`, message: 'a required param cannot have a default' });
    }
  }
  if (issues.length > 0) throw new ValidationError(`${source}: invalid pipeline spec`, issues, 'SPEC_INVALID');

  let dag: Dag;
  try {
    dag = buildDag(spec.tasks);
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${source}: invalid pipeline DAG`, error.issues, 'DAG_INVALID');
    throw error;
  }
  return { spec, dag };
}
