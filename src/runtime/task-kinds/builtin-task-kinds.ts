import type { TaskKindRegistry } from '../task-kind-registry.ts';
import { noopTask } from './noop-task.ts';
import { scriptTask } from './script-task.ts';
import { shellTask } from './shell-task.ts';
import { sleepTask } from './sleep-task.ts';

/** Registers the task kinds every platform has. */
export function registerBuiltinTaskKinds(registry: TaskKindRegistry): TaskKindRegistry {
  return registry.register(shellTask).register(scriptTask).register(noopTask).register(sleepTask);
}
