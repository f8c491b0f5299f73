/**
 * Which workers are alive, kept in Redis: each worker writes its info under a key that expires
 * unless renewed by the next heartbeat, so a killed worker disappears on its own.
 */
import type { Redis } from 'ioredis';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  pools: string[];
  concurrency: number;
  startedAt: string;
  lastHeartbeatAt: string;
  tasks: Array<{ jobId: string; runId: string; taskId: string; startedAt: string }>;
}

/** A worker missing this many seconds of heartbeats is gone. */
const TTL_SECONDS = 30;

export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:workers:${id}`;
  }

  async heartbeat(info: WorkerInfo): Promise<void> {
    await this.redis.set(this.key(info.id), JSON.stringify(info), 'EX', TTL_SECONDS);
  }

  async remove(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  /** Live workers, by id. */
  async list(): Promise<WorkerInfo[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:workers:*`, 'COUNT', 200);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    return values
      .filter((v): v is string => typeof v === 'string')
      .map((v) => JSON.parse(v) as WorkerInfo)
      .sort((a, b) => a.id.localeCompare(b.id));
  }
}
