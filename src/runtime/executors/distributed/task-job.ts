/**
 * The contract between the distributed executor and `datadog worker` processes: the BullMQ job
 * of one task attempt, the queue it goes to, and the Redis channels for logs and cancellation.
 */
import type { TaskOutcome } from '../../executor.ts';

/** What a worker needs to run one attempt; the task itself is read from the store by version. */
export interface TaskJobData {
  runId: string;
  pipelineId: string;
  pipelineVersion: string;
  taskId: string;
  attempt: number;
  params: Record<string, unknown>;
  baseDir: string;
}

/** What the worker sends back as the job's return value: the outcome, and which worker ran it. */
export type TaskJobResult = TaskOutcome & { worker?: string };

/** Progress messages a worker publishes on its job. */
export interface TaskJobProgress {
  event: 'started';
  worker: string;
}

/** A log line a worker forwards to the server. */
export interface TaskLogMessage {
  jobId: string;
  entries: Array<{ stream: 'stdout' | 'stderr' | 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }>;
}

export const DEFAULT_POOL = 'default';

/** One job per attempt: the id is deterministic, so dispatching the same attempt twice adds one job. */
export function taskJobId(runId: string, taskId: string, attempt: number): string {
  // BullMQ reserves ':' in custom ids.
  return `${runId}.${taskId}.${attempt}`.replaceAll(':', '_');
}

/** Queue of a pool: `pool: heavy` tasks go to workers started with `--pools heavy`. */
export function queueName(pool: string | undefined): string {
  return `tasks-${pool ?? DEFAULT_POOL}`;
}

/** Redis pub/sub channels, under the deployment's prefix. */
export function channels(prefix: string): { logs: string; cancel: string } {
  return { logs: `${prefix}:task-logs`, cancel: `${prefix}:task-cancel` };
}
