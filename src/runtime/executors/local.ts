/**
 * The local executor: runs tasks in this process, at most `concurrency` at once; tasks waiting
 * for a slot start by priority (higher first), then in arrival order.
 */
import { hostname } from 'node:os';
import type { Executor, TaskDispatch, TaskOutcome } from '../executor.ts';
import { runTask, type TaskRunnerOptions } from '../task-runner.ts';

export interface LocalExecutorOptions extends TaskRunnerOptions {
  /** Most tasks running at once in this process. */
  concurrency?: number;
}

interface Waiting {
  dispatch: TaskDispatch;
  seq: number;
  resolve: (outcome: TaskOutcome) => void;
}

export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly concurrency: number;
  private running = 0;
  private seq = 0;
  /** Waiting tasks by priority; each bucket is a FIFO read from `head` (no O(n) shifts). */
  private readonly buckets = new Map<number, { items: Waiting[]; head: number }>();
  private waitingCount = 0;
  private readonly worker = `${hostname()}:${process.pid}`;

  constructor(private readonly options: LocalExecutorOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  execute(dispatch: TaskDispatch): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      let bucket = this.buckets.get(dispatch.priority);
      if (!bucket) this.buckets.set(dispatch.priority, (bucket = { items: [], head: 0 }));
      bucket.items.push({ dispatch, seq: this.seq++, resolve });
      this.waitingCount++;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waitingCount > 0) {
      const next = this.takeNext();
      if (next.dispatch.signal.aborted) {
        // Cancelled while waiting for a slot: report without starting it.
        next.resolve({ status: 'failed', error: { code: 'TASK_CANCELLED', message: 'cancelled before it started', userCode: false } });
        continue;
      }
      this.running++;
      next.dispatch.onStart(this.worker);
      void runTask(next.dispatch, this.options).then((outcome) => {
        this.running--;
        next.resolve(outcome);
        this.pump();
      });
    }
  }

  private takeNext(): Waiting {
    const priority = Math.max(...this.buckets.keys());
    const bucket = this.buckets.get(priority) as { items: Waiting[]; head: number };
    const next = bucket.items[bucket.head++] as Waiting;
    if (bucket.head === bucket.items.length) this.buckets.delete(priority);
    this.waitingCount--;
    return next;
  }

  async close(): Promise<void> {
    for (const bucket of this.buckets.values()) {
      for (const waiting of bucket.items.slice(bucket.head)) {
        waiting.resolve({ status: 'failed', error: { code: 'TASK_CANCELLED', message: 'executor closed', userCode: false } });
      }
    }
    this.buckets.clear();
    this.waitingCount = 0;
  }
}
