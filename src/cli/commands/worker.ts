/**
 * `datadog worker`: a process that runs tasks dispatched by the distributed executor, and
 * `datadog worker list`: the workers alive now. Workers need the same metadata store
 * (DATABASE_URL), Redis (REDIS_URL) and dataset storage (DATADOG_STORAGE_URL) as the server.
 */
import { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';

interface WorkerOptions {
  pools?: string;
  concurrency?: string;
  home?: string;
  redis?: string;
  prefix?: string;
  shutdownTimeout?: string;
  lockDuration?: string;
  json?: boolean;
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new ValidationError(`${name}: expected a positive integer, got '${text}'`);
  return n;
}

function startCommand(): Command {
  return new Command('start')
    .description('take tasks from the queues of the given pools and run them (the default)')
    .option('--pools <names>', 'comma-separated task pools to take work from', 'default')
    .option('--concurrency <n>', 'tasks to run at once', process.env.DATADOG_WORKER_CONCURRENCY ?? '4')
    .option('--home <dir>', 'local state folder (env DATADOG_HOME)')
    .option('--redis <url>', 'Redis URL (env REDIS_URL)')
    .option('--prefix <prefix>', 'queue key prefix shared with the server (env DATADOG_QUEUE_PREFIX)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long to let running tasks finish', '30000')
    .option('--lock-duration <ms>', 'a worker silent this long is presumed dead and its tasks go to another worker', '10000')
    .action(async (_options: WorkerOptions, command: Command) => {
      const options = command.optsWithGlobals<WorkerOptions>();
      const concurrency = positiveInt(options.concurrency, '--concurrency', 4);
      const deadline = positiveInt(options.shutdownTimeout, '--shutdown-timeout', 30_000);
      const pools = (options.pools ?? 'default').split(',').map((p) => p.trim()).filter(Boolean);
      const [{ createPlatform }, { TaskWorker }] = await Promise.all([import('../../platform.ts'), import('../../runtime/executors/distributed/task-worker.ts')]);
      const platform = await createPlatform({ ...(options.home ? { home: options.home } : {}), concurrency });
      const worker = new TaskWorker({
        platform,
        redisUrl: options.redis ?? platform.config.redisUrl,
        prefix: options.prefix ?? platform.config.queuePrefix,
        pools,
        concurrency,
        lockDurationMs: positiveInt(options.lockDuration, '--lock-duration', 10_000),
        heartbeatMs: 2000,
        logger: platform.logger,
      });
      await worker.start();
      process.stdout.write(`worker ${worker.id} ready (pools ${pools.join(', ')}, concurrency ${concurrency})\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          process.stdout.write(`worker ${worker.id}: ${signal}, finishing running tasks\n`);
          void worker
            .stop(deadline)
            .then(() => platform.close())
            .finally(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('list the workers alive now, with their pools, current tasks and last heartbeat')
    .option('--redis <url>', 'Redis URL (env REDIS_URL)')
    .option('--prefix <prefix>', 'queue key prefix (env DATADOG_QUEUE_PREFIX)')
    .option('--json', 'print JSON')
    .action(async (_options: WorkerOptions, command: Command) => {
      const options = command.optsWithGlobals<WorkerOptions>();
      const [{ Redis }, { WorkerRegistry }] = await Promise.all([import('ioredis'), import('../../runtime/executors/distributed/worker-registry.ts')]);
      const redis = new Redis(options.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await redis.connect();
        const workers = await new WorkerRegistry(redis, options.prefix ?? process.env.DATADOG_QUEUE_PREFIX ?? 'datadog').list();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(workers, null, 2)}\n`);
          return;
        }
        if (workers.length === 0) {
          process.stdout.write('no workers\n');
          return;
        }
        for (const w of workers) {
          const tasks = w.tasks.map((t) => `${t.taskId}@${t.runId.slice(0, 8)}`).join(', ') || 'idle';
          process.stdout.write(`${w.id}  host ${w.host}  pools ${w.pools.join(',')}  concurrency ${w.concurrency}  heartbeat ${w.lastHeartbeatAt}  tasks: ${tasks}\n`);
        }
      } finally {
        redis.disconnect();
      }
    });
}

/** Builds the `worker` command group. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run tasks from the distributed queue (`datadog worker`), or list workers (`datadog worker list`)')
    .addCommand(startCommand(), { isDefault: true })
    .addCommand(listCommand());
}
