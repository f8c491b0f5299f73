/**
 * The executor seam: it only decides *where* a ready task runs and reports its outcome back.
 * DAG logic, retries and timeouts stay in the run engine. Implementations: executors/local.ts
 * (in-process pool); the distributed executor places tasks on workers.
 */
import type { TaskSpec } from '../core/spec/pipeline-spec.ts';
import type { LogStream } from '../store/store.ts';

/** One attempt of one task, handed to an executor. */
export interface TaskDispatch {
  readonly runId: string;
  readonly pipelineId: string;
  /** Version (content hash) of the pipeline spec the run executes. */
  readonly pipelineVersion: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly task: TaskSpec;
  readonly params: Readonly<Record<string, unknown>>;
  readonly priority: number;
  /** The pool the task runs in: its own `pool`, else the pipeline's `defaults.pool`. */
  readonly pool?: string;
  /** Folder of the spec file (for relative paths in task configs). */
  readonly baseDir: string;
  /** File the pipeline was registered from, so a remote worker can load its code. */
  readonly sourcePath: string | null;
  /** Aborted by the engine on cancellation or timeout. */
  readonly signal: AbortSignal;
  /**
   * Called when the task actually starts (it may wait for a free slot before). An executor that
   * learns where it runs only later calls it again with the worker; repeats are ignored. One
   * that learns of the start after the fact passes when it was (ms since epoch; default now).
   */
  onStart(worker?: string, startedAt?: number): void;
  onLog(entry: { stream: LogStream; level: 'debug' | 'info' | 'warn' | 'error'; message: string }): void;
  /**
   * Log lines of this attempt the store holds already, when the attempt is picked up again after
   * a restart: an executor that replays an attempt's lines skips these.
   */
  readonly loggedLines?: number;
  /**
   * Set on a task's first dispatch after its run was taken over from an engine that stopped: that
   * engine may have dispatched this same attempt before it could record it. An executor whose
   * dispatches outlive the engine looks for the earlier one.
   */
  readonly mayRepeat?: boolean;
}

/** An error in a form that survives serialisation between processes. */
export interface SerializedError {
  code: string;
  message: string;
  stack?: string;
  /** True when the task's own code failed, false for a platform fault. */
  userCode: boolean;
  /** For RETRY_LATER: the delay the task asked for. */
  retryDelayMs?: number;
}

/** How one attempt ended. */
export type TaskOutcome =
  | { status: 'succeeded'; output: unknown }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: SerializedError };

export interface Executor {
  readonly name: string;
  /** Runs the attempt somewhere; resolves with its outcome and never rejects. */
  execute(dispatch: TaskDispatch): Promise<TaskOutcome>;
  /**
   * Re-attaches to an attempt dispatched by an engine that stopped (a server restart): resolves
   * with a handle on its outcome when the executor still knows it, or undefined when it was lost
   * and must be dispatched again. (A handle, not a bare promise: promises of promises flatten.)
   * Executors whose tasks die with their process leave this out.
   */
  reattach?(dispatch: TaskDispatch): Promise<{ outcome: Promise<TaskOutcome> } | undefined>;
  close(): Promise<void>;
}
