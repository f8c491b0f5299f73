/**
 * The yardstick: raw BullMQ in this process, with no platform around it. No-op jobs through
 * one Queue and one Worker (the jobs are added while the worker runs, as the platform adds
 * tasks as they become ready), and a chain where job k+1 is added when job k completes.
 */
import { Queue, Worker } from 'bullmq';

export interface BaselineOptions {
  redisUrl: string;
  /** Key prefix of this measurement's queue; the caller deletes its keys afterwards. */
  prefix: string;
}

/** The job options the distributed executor uses, so both sides keep the same bookkeeping. */
const JOB_OPTIONS = { removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600 } };

/** Jobs per second for `jobs` no-op jobs through a worker of `concurrency`, from the first add to the last completion. */
export async function bullmqThroughput(options: BaselineOptions & { jobs: number; concurrency: number; name: string }): Promise<{ jobsPerSecond: number; ms: number }> {
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(options.name, { connection, prefix: options.prefix });
  const worker = new Worker(options.name, async () => undefined, { connection, prefix: options.prefix, concurrency: options.concurrency, autorun: false });
  onErrors(queue, worker);
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    let done = 0;
    const finished = new Promise<void>((resolve, reject) => {
      worker.on('completed', () => {
        if (++done === options.jobs) resolve();
      });
      worker.on('failed', (_job, error) => reject(error));
    });
    const started = performance.now();
    void worker.run();
    // Added in batches of concurrent single adds, like a wide DAG's tasks becoming ready at once.
    for (let i = 0; i < options.jobs; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, options.jobs - i) }, (_, k) => queue.add('noop', { i: i + k }, { ...JOB_OPTIONS, jobId: `j${i + k}` })));
    }
    await finished;
    const ms = performance.now() - started;
    return { jobsPerSecond: (options.jobs * 1000) / ms, ms };
  } finally {
    await worker.close();
    await queue.close();
  }
}

/**
 * Milliseconds per hop of a chain: job k+1 is added when the worker (of `concurrency`, though a
 * chain has one job at a time) reports job k completed.
 */
export async function bullmqChain(options: BaselineOptions & { hops: number; name: string; concurrency: number }): Promise<{ hopMs: number; ms: number }> {
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue(options.name, { connection, prefix: options.prefix });
  const worker = new Worker(options.name, async () => undefined, { connection, prefix: options.prefix, concurrency: options.concurrency });
  onErrors(queue, worker);
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      let hop = 0;
      worker.on('completed', () => {
        if (++hop === options.hops) resolve();
        else queue.add('hop', { hop }, { ...JOB_OPTIONS, jobId: `h${hop}` }).catch(reject);
      });
      worker.on('failed', (_job, error) => reject(error));
      queue.add('hop', { hop: 0 }, { ...JOB_OPTIONS, jobId: 'h0' }).catch(reject);
    });
    const ms = performance.now() - started;
    return { hopMs: ms / options.hops, ms };
  } finally {
    await worker.close();
    await queue.close();
  }
}

/** Connection errors are reported, not thrown from an event emitter (ioredis retries by itself). */
function onErrors(queue: Queue, worker: Worker): void {
  queue.on('error', (error) => console.error(`bullmq queue error: ${error.message}`));
  worker.on('error', (error) => console.error(`bullmq worker error: ${error.message}`));
}
