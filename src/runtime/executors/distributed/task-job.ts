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

/**
 * What the worker sends back as the job's return value: the outcome, which worker ran it, when
 * it started (ms since epoch, by the worker's clock), and its log lines.
 */
export type TaskJobResult = TaskOutcome & { worker?: string; startedAt?: number; logs?: TaskLogTail };

/**
 * What a worker tells the servers about a job, on the reports channel: a task still running after
 * a moment names its worker and start; a finished one sends its outcome (the job's return value).
 * Reports are pub/sub, so a server that is away misses them: it then reads the job's stored state
 * (its watchdog, or re-attaching after a restart).
 */
export type TaskJobReport = { jobId: string; event: 'started'; worker: string; startedAt: number } | { jobId: string; event: 'finished'; result: TaskJobResult };

/** One log line of a task. */
export interface TaskLogEntry {
  stream: 'stdout' | 'stderr' | 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/**
 * Log lines a worker forwards live (Redis pub/sub, lost when no server listens). Lines are
 * numbered from 0 within a delivery (one worker's run of the job; a worker that takes a stalled
 * job over starts a delivery of its own): `from` is the number of the first.
 */
export interface TaskLogMessage {
  jobId: string;
  delivery: string;
  from: number;
  entries: TaskLogEntry[];
}

/**
 * The last lines of a delivery (up to a size), carried in the job's outcome: the server records
 * the ones it did not get live, so no line is lost to a server restart or to the outcome
 * overtaking the last live message. `from` numbers the first entry; `total` counts all lines.
 */
export interface TaskLogTail {
  delivery: string;
  from: number;
  total: number;
  entries: TaskLogEntry[];
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

/** The pub/sub channels between servers and workers: log lines, cancels, and workers' reports. */
export interface TaskChannels {
  logs: string;
  cancel: string;
  reports: string;
}

/** Redis pub/sub channels, under the deployment's prefix. */
export function channels(prefix: string): TaskChannels {
  return { logs: `${prefix}:task-logs`, cancel: `${prefix}:task-cancel`, reports: `${prefix}:task-reports` };
}
