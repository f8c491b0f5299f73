/**
 * Collects the store writes of an engine tick and writes them in one transaction. A wave of
 * 10,000 transitions becomes a handful of multi-row upserts instead of 10,000 round trips.
 *
 * One transaction is in flight at a time (group commit): what is recorded while it runs waits
 * and goes into the next one, whole. Under load the transactions grow instead of queueing up
 * one per tick; when idle a write still starts on the next turn of the event loop.
 */
import type { Logger } from 'pino';
import { isErrorCode } from '../core/errors.ts';
import type { EventRecord, RunRecord, Store, StoreBatch, TaskAttemptRecord, TaskLogRecord, TaskRunRecord } from '../store/store.ts';

export interface BatchWriterOptions {
  store: Store;
  owner: string;
  logger: Logger;
  /** Called when the store says another engine owns one of the runs written. */
  onLostOwnership(runIds: string[]): void;
}

export class BatchWriter {
  private runs = new Map<string, RunRecord>();
  private taskRuns = new Map<string, TaskRunRecord>();
  private attempts = new Map<string, TaskAttemptRecord>();
  private logs: Array<Omit<TaskLogRecord, 'id'>> = [];
  private events: Array<Omit<EventRecord, 'seq'>> = [];
  private scheduled = false;
  /** The write loop under way, if any; it runs until nothing is left to write. */
  private draining: Promise<void> | undefined;
  /** Batches taken and written so far, numbered from 1: flush waits for a batch number. */
  private taken = 0;
  private written = 0;
  private flushWaiters: Array<{ batch: number; resolve: () => void }> = [];

  constructor(private readonly options: BatchWriterOptions) {}

  run(record: RunRecord): void {
    this.runs.set(record.id, record);
    this.schedule();
  }

  taskRun(record: TaskRunRecord): void {
    this.taskRuns.set(`${record.runId}\u0000${record.taskId}`, record);
    this.schedule();
  }

  attempt(record: TaskAttemptRecord): void {
    this.attempts.set(`${record.runId}\u0000${record.taskId}\u0000${record.attempt}`, record);
    this.schedule();
  }

  log(record: Omit<TaskLogRecord, 'id'>): void {
    this.logs.push(record);
    this.schedule();
  }

  event(record: Omit<EventRecord, 'seq'>): void {
    this.events.push(record);
    this.schedule();
  }

  /**
   * Resolves when everything recorded so far is in the store: once the batch that holds it is
   * written (the one in flight, or the next), even if more keeps being recorded after.
   */
  flush(): Promise<void> {
    this.scheduled = false;
    const target = this.hasPending() ? this.taken + 1 : this.taken;
    if (target <= this.written) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.flushWaiters.push({ batch: target, resolve }));
    this.draining ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    for (let batch = this.take(); batch; batch = this.take()) {
      this.taken++;
      await this.write(batch);
      this.written++;
      const due = this.flushWaiters.filter((w) => w.batch <= this.written);
      this.flushWaiters = this.flushWaiters.filter((w) => w.batch > this.written);
      for (const waiter of due) waiter.resolve();
    }
    // Synchronous from the last take(): nothing can be recorded between it and this line.
    this.draining = undefined;
  }

  private hasPending(): boolean {
    return this.runs.size + this.taskRuns.size + this.attempts.size + this.logs.length + this.events.length > 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every transition of the current tick join the same transaction. The
    // second one lets the Redis commands of that tick (dispatches, which ioredis also sends from
    // a setImmediate, queued after this one) leave first: building and sending the batch must
    // not delay the next task.
    setImmediate(() =>
      setImmediate(() => {
        if (this.scheduled) void this.flush();
      }),
    );
  }

  private take(): StoreBatch | undefined {
    if (!this.hasPending()) return undefined;
    // Copies: the engine keeps mutating its records while the write is under way.
    const batch: StoreBatch = {
      owner: this.options.owner,
      runs: [...this.runs.values()].map((r) => ({ ...r })),
      taskRuns: [...this.taskRuns.values()].map((r) => ({ ...r })),
      attempts: [...this.attempts.values()].map((r) => ({ ...r })),
      logs: this.logs,
      events: this.events,
    };
    this.runs = new Map();
    this.taskRuns = new Map();
    this.attempts = new Map();
    this.logs = [];
    this.events = [];
    return batch;
  }

  private async write(batch: StoreBatch): Promise<void> {
    try {
      await this.options.store.applyBatch(batch);
    } catch (error) {
      if (isErrorCode(error, 'CONFLICT')) {
        const ids = new Set([...(batch.runs ?? []).map((r) => r.id), ...(batch.taskRuns ?? []).map((r) => r.runId)]);
        this.options.onLostOwnership([...ids]);
        return;
      }
      this.options.logger.error({ err: error }, 'failed to write run state to the store');
    }
  }
}
