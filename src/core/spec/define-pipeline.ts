/**
 * The TypeScript way to write a pipeline. The object is checked by the same schema as YAML when
 * it is loaded or registered; `definePipeline` gives it types and editor completion.
 */
import type { PipelineSpecInput, TaskFunction, TaskSpecInput } from './pipeline-spec.ts';

/** A pipeline written in TypeScript: a spec whose `script` tasks may carry a `run` function. */
export type PipelineDefinition = PipelineSpecInput & { readonly __definedPipeline?: true };

/**
 * Declares a pipeline in TypeScript.
 * @example
 * export default definePipeline({
 *   id: 'daily_report',
 *   params: { day: { type: 'date', required: true } },
 *   tasks: [
 *     { id: 'fetch', kind: 'shell', config: { command: 'echo fetching $PARAM_DAY' } },
 *     { id: 'report', kind: 'script', depends_on: ['fetch'], run: async (ctx) => ctx.log.info('done') },
 *   ],
 * });
 */
export function definePipeline(definition: PipelineSpecInput): PipelineDefinition {
  return definition;
}

/** A `script` task in a TypeScript pipeline. */
export function scriptTask(id: string, run: TaskFunction, options: Omit<TaskSpecInput, 'id' | 'kind' | 'run'> = {}): TaskSpecInput {
  return { ...options, id, kind: 'script', run };
}
