/**
 * The server's side of an attempt's log lines from a remote worker: which ones it has recorded,
 * so that each line is recorded once and in order whether it arrives live (pub/sub) or in the
 * outcome's tail. Live lines are recorded as they come while none is missing; after a gap (a
 * message lost while the server was away) they wait for the outcome, which carries the rest.
 */
import type { TaskLogEntry, TaskLogMessage, TaskLogTail } from './task-job.ts';

export class AttemptLogs {
  /** The delivery whose lines are being recorded, once one has been seen. */
  private delivery: string | undefined;
  /** Number of that delivery's next line to record. */
  private next = 0;
  private inOrder = true;

  /**
   * @param record records one line (the engine's onLog).
   * @param alreadyRecorded lines of this attempt the store holds already: an attempt picked up
   *   again after a restart. They are taken to be the first lines of the first delivery seen.
   */
  constructor(
    private readonly record: (entry: TaskLogEntry) => void,
    private readonly alreadyRecorded = 0,
  ) {}

  live(message: TaskLogMessage): void {
    if (message.delivery !== this.delivery) {
      // A worker that took the job over numbers its lines from 0 again.
      this.next = this.delivery === undefined ? this.alreadyRecorded : 0;
      this.delivery = message.delivery;
      this.inOrder = true;
    }
    if (!this.inOrder) return;
    if (message.from > this.next) {
      this.inOrder = false;
      return;
    }
    for (const entry of message.entries.slice(this.next - message.from)) this.record(entry);
    this.next = Math.max(this.next, message.from + message.entries.length);
  }

  /** Records the lines of the outcome's tail not recorded yet. */
  final(tail: TaskLogTail): void {
    let start = tail.delivery === this.delivery ? this.next : this.delivery === undefined ? this.alreadyRecorded : 0;
    if (tail.from > start) {
      const missing = tail.from - start;
      this.record({ stream: 'log', level: 'warn', message: `${missing} log line(s) of this attempt were not kept: the worker sends the last ones with the outcome, up to a size` });
      start = tail.from;
    }
    for (const entry of tail.entries.slice(start - tail.from)) this.record(entry);
    this.delivery = tail.delivery;
    this.next = Math.max(start, tail.total);
  }
}
