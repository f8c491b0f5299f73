/**
 * Runs one attempt of one task in this process: finds its kind, builds its context, and turns
 * whatever happens into a TaskOutcome. The local executor and remote workers both use it.
 */
import { PlatformError, ValidationError } from '../core/errors.ts';
import { zodIssues } from '../core/zod-issues.ts';
import type { TaskDispatch, TaskOutcome } from './executor.ts';
import type { TaskContext, TaskLogger } from './task-context.ts';
import type { TaskKindRegistry } from './task-kind-registry.ts';
import { outcomeFromError } from './task-outcome.ts';

export interface TaskRunnerOptions {
  kinds: TaskKindRegistry;
  home: string;
}

function loggerFor(dispatch: TaskDispatch): TaskLogger {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) => dispatch.onLog({ stream: 'log', level, message });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    output: (stream, line) => dispatch.onLog({ stream, level: stream === 'stderr' ? 'warn' : 'info', message: line }),
  };
}

/** Runs the attempt; never throws. */
export async function runTask(dispatch: TaskDispatch, options: TaskRunnerOptions): Promise<TaskOutcome> {
  const kind = options.kinds.get(dispatch.task.kind);
  if (!kind) return outcomeFromError(new PlatformError('UNSUPPORTED', `unknown task kind '${dispatch.task.kind}'`));
  const parsed = kind.configSchema.safeParse(dispatch.task.config, { reportInput: true });
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, `tasks.${dispatch.taskId}.config`);
    return outcomeFromError(new ValidationError(`task '${dispatch.taskId}' has an invalid config`, issues));
  }
  const ctx: TaskContext = {
    runId: dispatch.runId,
    pipelineId: dispatch.pipelineId,
    taskId: dispatch.taskId,
    attempt: dispatch.attempt,
    params: dispatch.params,
    config: parsed.data as Record<string, unknown>,
    task: dispatch.task,
    signal: dispatch.signal,
    log: loggerFor(dispatch),
    baseDir: dispatch.baseDir,
    home: options.home,
  };
  try {
    const output = await kind.run(ctx);
    return { status: 'succeeded', output: output === undefined ? null : output };
  } catch (error) {
    return outcomeFromError(error);
  }
}
