/**
 * Real `datadog worker` processes for the distributed benchmark: spawned from bin/datadog.js
 * with the deployment's environment, ready once they print `worker <id> ready`, and stopped
 * with SIGTERM (SIGKILL past a deadline). Every process started here is remembered, so the
 * benchmark can stop them all on the way out, whatever failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/datadog.js', import.meta.url));

/** What the server platform and every worker share. */
export interface BenchDeployment {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  storageUrl: string;
  /** Each worker gets its own DATADOG_HOME below this folder. */
  dir: string;
}

export interface BenchWorker {
  id: string;
  child: ChildProcess;
  exited: Promise<void>;
}

export interface StartWorkersOptions {
  count: number;
  concurrency: number;
  pools?: string;
  /** Fail when a worker is not ready this long after its start. */
  readyTimeoutMs?: number;
}

export class WorkerProcesses {
  private readonly all = new Set<BenchWorker>();
  private seq = 0;

  constructor(private readonly deployment: BenchDeployment) {
    // Whatever kills the benchmark (an uncaught error included) must not leave workers behind.
    process.once('exit', () => {
      for (const w of this.all) if (alive(w.child)) w.child.kill('SIGKILL');
    });
  }

  /** Starts `count` workers at once and resolves when all of them are ready. */
  async start(options: StartWorkersOptions): Promise<BenchWorker[]> {
    return Promise.all(Array.from({ length: options.count }, () => this.startOne(options)));
  }

  /** SIGTERM, then SIGKILL for those still alive after `deadlineMs`. */
  async stop(workers: BenchWorker[], deadlineMs = 10_000): Promise<void> {
    for (const w of workers) if (alive(w.child)) w.child.kill('SIGTERM');
    const timer = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    await Promise.race([Promise.all(workers.map((w) => w.exited)), timer]);
    for (const w of workers) if (alive(w.child)) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    for (const w of workers) this.all.delete(w);
  }

  /** Stops every worker this object started and has not stopped yet. */
  stopAll(deadlineMs?: number): Promise<void> {
    return this.stop([...this.all], deadlineMs);
  }

  private async startOne(options: StartWorkersOptions): Promise<BenchWorker> {
    const d = this.deployment;
    const home = await mkdtemp(path.join(d.dir, `worker-${++this.seq}-`));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: d.databaseUrl,
      REDIS_URL: d.redisUrl,
      DATADOG_QUEUE_PREFIX: d.prefix,
      DATADOG_STORAGE_URL: d.storageUrl,
      DATADOG_HOME: home,
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
    };
    delete env.DATADOG_SERVER;
    const args = [BIN, 'worker', '--concurrency', String(options.concurrency), '--pools', options.pools ?? 'default', '--shutdown-timeout', '5000'];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const worker: BenchWorker = { id: '', child, exited };
    this.all.add(worker);
    let output = '';
    worker.id = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker not ready after ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`)), options.readyTimeoutMs ?? 60_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /worker (\S+) ready/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1] as string);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker exited before it was ready:\n${output}`));
      });
    });
    return worker;
  }
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
