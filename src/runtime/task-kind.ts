/**
 * The task kind seam: a named kind with a config schema and the code that runs one attempt.
 * Built-in kinds live in runtime/task-kinds/; projects register their own.
 */
import type { z } from 'zod';
import type { TaskContext } from './task-context.ts';

/** What a task returns: anything JSON-serialisable, stored as the task run's output. */
export type TaskResult = unknown;

export interface TaskKind<Config = Record<string, unknown>> {
  /** The `kind:` value in specs. */
  readonly name: string;
  readonly description: string;
  readonly configSchema: z.ZodType<Config>;
  /** Runs one attempt. Throw to fail (see NonRetryableError, RetryLaterError, SkipTaskError). */
  run(ctx: TaskContext<Config>): Promise<TaskResult> | TaskResult;
}

/**
 * Declares a task kind with its config type inferred from the schema.
 * @example
 * registry.register(defineTaskKind({ name: 'echo', description: 'logs a message',
 *   configSchema: z.object({ message: z.string() }), run: (ctx) => ctx.log.info(ctx.config.message) }));
 */
export function defineTaskKind<S extends z.ZodType>(kind: {
  name: string;
  description: string;
  configSchema: S;
  run(ctx: TaskContext<z.output<S>>): Promise<TaskResult> | TaskResult;
}): TaskKind<z.output<S>> {
  return kind as TaskKind<z.output<S>>;
}
