/**
 * Real `datadog worker` processes for the distributed tests, all sharing one Postgres database,
 * one Redis key prefix and one dataset folder with the in-test server platform.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';

const BIN = fileURLToPath(new URL('../../bin/datadog.js', import.meta.url));

/** What the server platform and every worker share. */
export interface Deployment {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  storageUrl: string;
  leaseMs?: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  id: Promise<string>;
  output(): string;
  exited: Promise<number | null>;
}

export function deploymentEnv(d: Deployment, home: string): NodeJS.ProcessEnv {
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
  if (d.leaseMs) env.DATADOG_LEASE_MS = String(d.leaseMs);
  delete env.DATADOG_SERVER;
  return env;
}

/** Starts a worker and resolves its id once it says it is ready. */
export async function startWorker(d: Deployment, options: { pools?: string; concurrency?: number; lockDurationMs?: number } = {}): Promise<WorkerProcess> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'dd-worker-'));
  const args = [BIN, 'worker', '--pools', options.pools ?? 'default', '--concurrency', String(options.concurrency ?? 4), '--lock-duration', String(options.lockDurationMs ?? 2000), '--shutdown-timeout', '5000'];
  const child = spawn(process.execPath, args, { env: deploymentEnv(d, home), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let resolveId!: (id: string) => void;
  let rejectId!: (error: Error) => void;
  const id = new Promise<string>((resolve, reject) => {
    resolveId = resolve;
    rejectId = reject;
  });
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    const match = /worker (\S+) ready/.exec(output);
    if (match) resolveId(match[1] as string);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  void exited.then(() => rejectId(new Error(`worker exited before it was ready:\n${output}`)));
  const timer = setTimeout(() => rejectId(new Error(`worker not ready after 30s:\n${output}`)), 30_000);
  void id.finally(() => clearTimeout(timer)).catch(() => undefined);
  return { child, id, output: () => output, exited };
}

export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 8000))])));
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
}

/** An in-process server platform of the deployment (distributed executor), with its own home under `dir`. */
export async function createDeploymentServer(d: Deployment, dir: string): Promise<Platform> {
  return createPlatform({
    home: await mkdtemp(path.join(dir, 'server-')),
    databaseUrl: d.databaseUrl,
    executorKind: 'distributed',
    redisUrl: d.redisUrl,
    queuePrefix: d.prefix,
    storageUrl: d.storageUrl,
    ...(d.leaseMs ? { leaseMs: d.leaseMs } : {}),
    logger: createLogger({ level: 'silent', pretty: false }),
    pollMs: 100,
  });
}
