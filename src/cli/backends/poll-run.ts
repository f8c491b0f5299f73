/**
 * Follows a run by polling its state (and its logs, when asked): what remote mode does, and
 * what local mode does for a run that another process drives. Task changes are found by
 * comparing each poll with the one before, so a transition shorter than the interval may be
 * seen only by its result.
 */
import { isTerminalRunStatus, isTerminalTaskStatus } from '../../core/statuses.ts';
import type { LogPage, LogQuery, RunDetail, RunObserver, TaskUpdate } from '../backend.ts';
import type { TaskRunRecord } from '../../store/store.ts';

export interface PollRunOptions {
  runId: string;
  getRun(runId: string): Promise<RunDetail>;
  getLogs(runId: string, query: LogQuery): Promise<LogPage>;
  observer?: RunObserver;
  intervalMs?: number;
}

const LOG_PAGE = 500;

/** Polls until the run is finished; resolves with its final detail. */
export async function pollRun(options: PollRunOptions): Promise<RunDetail> {
  const { runId, observer } = options;
  const intervalMs = options.intervalMs ?? 300;
  let detail = await options.getRun(runId);
  observer?.onStart?.(detail);
  let previous = new Map(detail.tasks.map((t) => [t.taskId, t]));
  let logCursor: number | undefined;

  const drainLogs = async (): Promise<void> => {
    if (!observer?.onLog) return;
    for (;;) {
      const page = await options.getLogs(runId, { limit: LOG_PAGE, ...(logCursor !== undefined ? { after: logCursor } : {}) });
      for (const log of page.logs) {
        observer.onLog({ taskId: log.taskId, attempt: log.attempt, ts: log.ts, stream: log.stream, message: log.message });
      }
      if (page.nextAfter !== undefined) logCursor = page.nextAfter;
      else if (page.logs.length > 0) logCursor = page.logs[page.logs.length - 1]?.id;
      if (page.logs.length < LOG_PAGE) return;
    }
  };

  await drainLogs();
  while (!isTerminalRunStatus(detail.run.status)) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    detail = await options.getRun(runId);
    // Logs before statuses, so a task's output shows before the line saying it finished.
    await drainLogs();
    for (const task of detail.tasks) {
      const before = previous.get(task.taskId);
      if (before && before.status === task.status && before.attempts === task.attempts) continue;
      observer?.onTask?.(toUpdate(task));
    }
    previous = new Map(detail.tasks.map((t) => [t.taskId, t]));
  }
  return detail;
}

function toUpdate(task: TaskRunRecord): TaskUpdate {
  const started = task.startedAt ? Date.parse(task.startedAt) : undefined;
  const finished = task.finishedAt ? Date.parse(task.finishedAt) : undefined;
  const terminal = isTerminalTaskStatus(task.status);
  // The record keeps when the task started and finished; other changes are dated when seen.
  const ts = (terminal ? task.finishedAt : task.status === 'running' ? task.startedAt : null) ?? new Date().toISOString();
  return {
    taskId: task.taskId,
    status: task.status,
    attempt: task.attempts,
    ts,
    error: task.error,
    nextAttemptAt: task.nextAttemptAt,
    ...(terminal && started !== undefined && finished !== undefined && finished >= started ? { durationMs: finished - started } : {}),
  };
}
