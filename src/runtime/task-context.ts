/**
 * What a task's code receives: one readonly context object, so adding a field never breaks a
 * task kind or a script.
 */
import type { TaskSpec } from '../core/spec/pipeline-spec.ts';

/** Writes task log lines; they are stored, streamed live and shown by `pipeline logs`. */
export interface TaskLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A raw output line of a process (stdout or stderr). */
  output(stream: 'stdout' | 'stderr', line: string): void;
}

export interface TaskContext<Config = Record<string, unknown>> {
  readonly runId: string;
  readonly pipelineId: string;
  readonly taskId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** The run's resolved params. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The task's config, validated by its kind's schema. */
  readonly config: Config;
  readonly task: TaskSpec;
  /** Aborted on timeout or cancellation; long work must watch it. */
  readonly signal: AbortSignal;
  readonly log: TaskLogger;
  /** Folder of the pipeline's spec file, for resolving relative paths (cwd when unknown). */
  readonly baseDir: string;
  /** The platform's home folder (DATADOG_HOME). */
  readonly home: string;
}
