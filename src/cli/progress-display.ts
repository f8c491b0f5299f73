/**
 * Live progress of one run. In a terminal it redraws a compact table in place (task, status,
 * attempt, duration); elsewhere (CI, pipes, files) it prints one line per task transition,
 * `[12:00:01] extract  running (attempt 1)`, because escape codes and redraws would turn a log
 * file into noise. At the end it prints the run summary.
 *
 * Everything goes to one stream, so a caller can keep stdout clean for `--json`.
 */
import { formatDuration } from '../core/duration.ts';
import { isTerminalTaskStatus, type TaskStatus } from '../core/statuses.ts';
import { createAnsi, cursor, shouldColor, truncateAnsi, type Ansi } from './ansi.ts';
import type { LogLine, RunDetail, RunObserver, TaskUpdate } from './backend.ts';
import { formatRunSummary } from './format/run-summary.ts';
import { statusSymbol, statusText } from './format/status-style.ts';
import type { TaskRunRecord } from '../store/store.ts';

/** The part of a writable stream the display uses (process.stdout, process.stderr, or a fake in tests). */
export interface DisplayStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface ProgressDisplayOptions {
  stream: DisplayStream;
  /** Redraw a table in place; defaults to whether the stream is a TTY. */
  live?: boolean;
  /** Colour; defaults to shouldColor(stream). */
  color?: boolean;
  /** Also print the tasks' output lines as `[task attempt] line`. */
  showLogs?: boolean;
  /** Milliseconds between redraws of the live table (running durations and spinner move). */
  tickMs?: number;
}

interface TaskView {
  id: string;
  status: TaskStatus;
  attempt: number;
  startedAt?: number;
  durationMs?: number;
  error?: string | null;
  reusedFrom?: string | null;
}

const STATUS_WIDTH = 'upstream_failed'.length;
const MAX_ID_WIDTH = 32;

/** Follows a run on screen; pass it as the observer of `CliBackend.followRun`, then call `finish`. */
export class ProgressDisplay implements RunObserver {
  private readonly stream: DisplayStream;
  private readonly live: boolean;
  private readonly ansi: Ansi;
  private readonly showLogs: boolean;
  private readonly tickMs: number;
  private readonly tasks = new Map<string, TaskView>();
  private runId = '';
  private pipelineId = '';
  private startedAt = Date.now();
  private drawnLines = 0;
  private frame = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private lastDraw = 0;
  private pendingDraw: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ProgressDisplayOptions) {
    this.stream = options.stream;
    this.live = options.live ?? Boolean(options.stream.isTTY);
    this.ansi = createAnsi(options.color ?? shouldColor(options.stream));
    this.showLogs = options.showLogs ?? false;
    this.tickMs = options.tickMs ?? 120;
  }

  /** Takes the run's tasks as they stand; in line mode tells the ones already settled (reused by a re-run). */
  onStart(detail: RunDetail): void {
    this.runId = detail.run.id;
    this.pipelineId = detail.run.pipelineId;
    this.startedAt = Date.parse(detail.run.startedAt ?? detail.run.createdAt);
    for (const record of detail.tasks) {
      const view = viewOf(record);
      this.tasks.set(view.id, view);
      // What was already settled when we began (tasks reused by a re-run) is told once here.
      if (!this.live && isTerminalTaskStatus(view.status)) this.printTransition(view, record.finishedAt ?? detail.run.createdAt);
    }
    if (this.live) {
      this.draw();
      this.ticker = setInterval(() => this.draw(), this.tickMs);
      this.ticker.unref?.();
    }
  }

  /** Applies one task change; repeated states are ignored, so each transition is told once. */
  onTask(update: TaskUpdate): void {
    let view = this.tasks.get(update.taskId);
    if (!view) {
      view = { id: update.taskId, status: 'pending', attempt: 0 };
      this.tasks.set(view.id, view);
    }
    if (view.status === update.status && view.attempt === update.attempt) return;
    const at = Date.parse(update.ts);
    view.status = update.status;
    view.attempt = update.attempt;
    view.error = update.error ?? null;
    if (update.status === 'running') {
      view.startedAt = at;
      delete view.durationMs;
    } else if (isTerminalTaskStatus(update.status) || update.status === 'up_for_retry') {
      const took = update.durationMs ?? (view.startedAt !== undefined ? at - view.startedAt : undefined);
      if (took !== undefined) view.durationMs = took;
    }
    if (this.live) this.requestDraw();
    else this.printTransition(view, update.ts, update.nextAttemptAt ?? null);
  }

  /** Prints a task output line when `showLogs` is on. */
  onLog(line: LogLine): void {
    if (!this.showLogs) return;
    const text = `${this.ansi.style('dim', `[${line.taskId} ${line.attempt}]`)} ${line.message}\n`;
    if (!this.live) {
      this.stream.write(text);
      return;
    }
    // Log lines scroll above the table: clear it, print, draw it again below.
    this.stream.write(cursor.rewind(this.drawnLines) + text);
    this.drawnLines = 0;
    this.draw();
  }

  /** Stops redrawing and prints the final state and the summary of the finished run. */
  finish(detail: RunDetail): void {
    this.stop();
    if (!this.runId) {
      this.runId = detail.run.id;
      this.pipelineId = detail.run.pipelineId;
      this.startedAt = Date.parse(detail.run.startedAt ?? detail.run.createdAt);
    }
    for (const record of detail.tasks) {
      // The final record wins over whatever the updates said; in line mode, changes not seen yet are printed.
      const view = viewOf(record);
      const known = this.tasks.get(view.id);
      if (!this.live && (!known || known.status !== view.status || known.attempt !== view.attempt)) {
        this.printTransition(view, record.finishedAt ?? new Date().toISOString());
      }
      this.tasks.set(view.id, { ...view, ...(view.durationMs === undefined && known?.durationMs !== undefined ? { durationMs: known.durationMs } : {}) });
    }
    if (this.live) this.draw(false);
    this.stream.write(`${formatRunSummary(detail, this.ansi).join('\n')}\n`);
  }

  /** Stops the live redraw without a summary (when following failed). */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.pendingDraw) clearTimeout(this.pendingDraw);
    this.ticker = undefined;
    this.pendingDraw = undefined;
  }

  // ---- line mode --------------------------------------------------------------------------

  private printTransition(view: TaskView, ts: string, nextAttemptAt: string | null = null): void {
    if (view.status === 'queued' || view.status === 'pending') return;
    const width = Math.min(MAX_ID_WIDTH, Math.max(...[...this.tasks.keys()].map((id) => id.length), view.id.length));
    const time = new Date(Date.parse(ts) || Date.now()).toTimeString().slice(0, 8);
    this.stream.write(`[${time}] ${view.id.padEnd(width)}  ${statusText(this.ansi, view.status)}${this.describe(view, Date.parse(ts), nextAttemptAt)}\n`);
  }

  /** The words after the status: attempt, duration, the error, the retry delay. */
  private describe(view: TaskView, at: number, nextAttemptAt: string | null): string {
    const took = view.durationMs !== undefined ? ` in ${formatDuration(view.durationMs)}` : '';
    switch (view.status) {
      case 'running':
        return ` (attempt ${view.attempt})`;
      case 'succeeded':
        if (view.reusedFrom) return ` (reused from run ${view.reusedFrom})`;
        return `${took}${view.attempt > 1 ? ` (attempt ${view.attempt})` : ''}`;
      case 'up_for_retry': {
        const delay = nextAttemptAt ? Date.parse(nextAttemptAt) - at : NaN;
        const when = Number.isFinite(delay) ? `; retrying in ${formatDuration(Math.max(0, delay))}` : '';
        return `: attempt ${view.attempt} failed: ${view.error ?? 'unknown error'}${when}`;
      }
      case 'failed':
        return ` (attempt ${view.attempt})${took}: ${view.error ?? 'unknown error'}`;
      case 'cancelled':
        return view.attempt > 0 ? ` (attempt ${view.attempt})` : '';
      default:
        return '';
    }
  }

  // ---- live mode --------------------------------------------------------------------------

  private requestDraw(): void {
    // Bursts of updates (a wide DAG finishing a wave) are drawn once, not once per update.
    const wait = 40 - (Date.now() - this.lastDraw);
    if (wait <= 0) return this.draw();
    this.pendingDraw ??= setTimeout(() => {
      this.pendingDraw = undefined;
      this.draw();
    }, wait);
  }

  private draw(spin = true): void {
    this.lastDraw = Date.now();
    this.frame++;
    const lines = this.tableLines(spin);
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(cursor.rewind(this.drawnLines) + lines.map((line) => `${truncateAnsi(line, width)}\n`).join(''));
    this.drawnLines = lines.length;
  }

  private tableLines(spin: boolean): string[] {
    const now = Date.now();
    const all = [...this.tasks.values()];
    const done = all.filter((t) => isTerminalTaskStatus(t.status)).length;
    const header = this.ansi.style('bold', `${this.pipelineId}`) + this.ansi.style('dim', `  run ${this.runId}  ${done}/${all.length} done  ${formatDuration(now - this.startedAt)}`);
    // A table taller than the screen cannot be redrawn in place; show the tasks that matter.
    // The final drawing is never redrawn, so it shows every task.
    const room = spin ? Math.max(3, (this.stream.rows || 24) - 2) : Infinity;
    let shown = all;
    let hidden: TaskView[] = [];
    if (all.length > room) {
      const busy = all.filter((t) => (!isTerminalTaskStatus(t.status) && t.status !== 'pending') || t.status === 'failed');
      shown = busy.slice(0, room - 1);
      const keep = new Set(shown);
      hidden = all.filter((t) => !keep.has(t));
    }
    const idWidth = Math.min(MAX_ID_WIDTH, Math.max(4, ...shown.map((t) => t.id.length)));
    const rows = shown.map((t) => {
      const running = t.status === 'running' && t.startedAt !== undefined;
      const ms = running ? now - (t.startedAt as number) : t.durationMs;
      const attempt = t.attempt > 0 ? `attempt ${t.attempt}` : '';
      const note = t.reusedFrom ? this.ansi.style('dim', 'reused') : t.status === 'failed' || t.status === 'up_for_retry' ? this.ansi.style('dim', t.error ?? '') : '';
      return [
        ` ${statusSymbol(this.ansi, t.status, spin ? this.frame : undefined)} ${t.id.padEnd(idWidth)}`,
        statusText(this.ansi, t.status, STATUS_WIDTH),
        attempt.padEnd(10),
        (ms !== undefined ? formatDuration(ms) : '').padEnd(8),
        note,
      ]
        .join('  ')
        .trimEnd();
    });
    if (hidden.length > 0) {
      const counts = new Map<string, number>();
      for (const t of hidden) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
      rows.push(this.ansi.style('dim', `   … ${hidden.length} more: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`));
    }
    return [header, ...rows];
  }
}

function viewOf(record: TaskRunRecord): TaskView {
  const view: TaskView = { id: record.taskId, status: record.status, attempt: record.attempts, error: record.error, reusedFrom: record.reusedFromRunId };
  const started = record.startedAt ? Date.parse(record.startedAt) : undefined;
  if (started !== undefined) view.startedAt = started;
  if (started !== undefined && record.finishedAt && isTerminalTaskStatus(record.status)) view.durationMs = Date.parse(record.finishedAt) - started;
  return view;
}
