/**
 * The worker's side of a delivery's log lines: the last ones, bounded in size, to send with the
 * outcome (see TaskLogTail).
 */
import type { TaskLogEntry, TaskLogTail } from './task-job.ts';

/** Size counted per line besides its text (stream, level, JSON punctuation). */
const LINE_OVERHEAD = 40;

export class LogTail {
  private entries: Array<TaskLogEntry | undefined> = [];
  /** Index of the first kept entry. */
  private start = 0;
  private bytes = 0;
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  push(entry: TaskLogEntry): void {
    this.entries.push(entry);
    this.bytes += entry.message.length + LINE_OVERHEAD;
    this.total++;
    // Drop from the front, keeping at least the newest line.
    while (this.bytes > this.maxBytes && this.entries.length - this.start > 1) {
      this.bytes -= (this.entries[this.start] as TaskLogEntry).message.length + LINE_OVERHEAD;
      this.entries[this.start++] = undefined;
    }
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  /** Lines pushed so far. */
  get count(): number {
    return this.total;
  }

  snapshot(delivery: string): TaskLogTail {
    const entries = this.entries.slice(this.start) as TaskLogEntry[];
    return { delivery, from: this.total - entries.length, total: this.total, entries };
  }
}
