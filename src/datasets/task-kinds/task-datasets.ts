/**
 * Which datasets a data task reads and writes, from its `inputs` and `outputs`.
 */
import { ValidationError } from '../../core/errors.ts';
import type { TaskSpec } from '../../core/spec/pipeline-spec.ts';

/** The one dataset a task writes: its first `outputs` entry. */
export function outputOf(task: TaskSpec): string {
  const output = task.outputs[0];
  if (!output) throw new ValidationError(`task '${task.id}' must name its output dataset in outputs: [...]`, [{ path: `tasks.${task.id}.outputs`, message: 'expected one dataset name' }]);
  return output;
}

/** The datasets a task reads: its `inputs`, at least one. */
export function inputsOf(task: TaskSpec): string[] {
  if (task.inputs.length === 0) throw new ValidationError(`task '${task.id}' must name the datasets it reads in inputs: [...]`, [{ path: `tasks.${task.id}.inputs`, message: 'expected at least one dataset name' }]);
  return task.inputs;
}
