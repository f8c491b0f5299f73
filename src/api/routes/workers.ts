/**
 * GET /api/v1/workers: where tasks run now. With the distributed executor, the `datadog worker`
 * processes alive in the worker registry (Redis); with the local executor, the server process
 * itself, with the tasks it is running.
 */
import { hostname } from 'node:os';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { PlatformError } from '../../core/errors.ts';
import { isTerminalRunStatus } from '../../core/statuses.ts';
import type { Platform } from '../../platform.ts';
import { DistributedExecutor } from '../../runtime/executors/distributed/distributed-executor.ts';
import { taskJobId } from '../../runtime/executors/distributed/task-job.ts';
import { WorkerRegistry } from '../../runtime/executors/distributed/worker-registry.ts';
import { WorkersResponse, errorResponses, type WorkerInfo, type WorkerTask } from '../schemas.ts';

export interface WorkerRoutesOptions {
  platform: Platform;
}

/** Registers GET /workers. */
export const workerRoutes: FastifyPluginAsyncZod<WorkerRoutesOptions> = async (app, { platform }) => {
  const list = platform.executor.name === 'distributed' ? distributedWorkers(platform) : localWorker(platform);
  app.addHook('onClose', async () => list.close());

  app.get(
    '/workers',
    {
      schema: {
        tags: ['health'],
        summary: 'List the workers',
        description:
          'With the distributed executor: the `datadog worker` processes alive now (a worker missing heartbeats for 30 s drops out), ' +
          'with their pools, concurrency and running tasks. With the local executor: the server process itself.',
        response: { 200: WorkersResponse, ...errorResponses(500) },
      },
    },
    async () => ({ executor: list.executor, workers: await list.workers() }),
  );
};

interface WorkerList {
  executor: WorkersResponse['executor'];
  workers(): Promise<WorkerInfo[]>;
  close(): Promise<void>;
}

/** The registry in Redis, over one connection made on the first request and kept for the server's life. */
function distributedWorkers(platform: Platform): WorkerList {
  const { redisUrl } = platform.config;
  const prefix = platform.executor instanceof DistributedExecutor ? platform.executor.prefix : platform.config.queuePrefix;
  let redis: Redis | undefined;
  const connect = (): Redis => {
    // Fail a request fast while Redis is away instead of queueing it until Redis is back.
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
    redis.on('error', (error) => platform.logger.debug({ err: error }, 'worker list: redis connection error'));
    return redis;
  };
  return {
    executor: 'distributed',
    async workers() {
      try {
        return await new WorkerRegistry(redis ?? connect(), prefix).list();
      } catch (error) {
        throw new PlatformError('INTERNAL', `cannot read the worker registry from Redis at ${redactedHost(redisUrl)}: ${(error as Error).message}`, undefined, { cause: error });
      }
    },
    async close() {
      if (!redis) return;
      redis.disconnect();
    },
  };
}

/** The server process as its own single worker; the running tasks come from the event bus. */
function localWorker(platform: Platform): WorkerList {
  const running = new Map<string, WorkerTask>();
  const offTask = platform.bus.on('task.status', (event) => {
    const jobId = taskJobId(event.runId, event.taskId, event.attempt);
    if (event.status === 'running') running.set(jobId, { jobId, runId: event.runId, taskId: event.taskId, startedAt: event.ts });
    else running.delete(jobId);
  });
  // A run that ends takes its tasks with it, whatever events were missed.
  const offRun = platform.bus.on('run.status', (event) => {
    if (!isTerminalRunStatus(event.status)) return;
    for (const [jobId, task] of running) if (task.runId === event.runId) running.delete(jobId);
  });
  const startedAt = new Date(performance.timeOrigin).toISOString();
  const pools = [...new Set(['default', ...Object.keys(platform.config.pools)])];
  return {
    executor: 'local',
    async workers() {
      const tasks = [...running.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      return [
        {
          id: `${hostname()}:${process.pid}`,
          host: hostname(),
          pid: process.pid,
          pools,
          concurrency: platform.config.concurrency,
          startedAt,
          lastHeartbeatAt: new Date().toISOString(),
          tasks,
        },
      ];
    },
    async close() {
      offTask();
      offRun();
    },
  };
}

/** Host and port of a Redis URL, never its password. */
function redactedHost(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return 'the configured URL';
  }
}
