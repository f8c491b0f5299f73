/**
 * The benchmark's own slice of the real services: a Postgres database created for it, a Redis
 * key prefix nobody else uses, and a temp folder for dataset storage and worker homes. `close()`
 * drops and deletes all three, and is safe to call after a partial set-up.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { BenchDeployment } from './worker-processes.ts';

export interface OpenedDeployment extends BenchDeployment {
  close(): Promise<void>;
}

/** Admin URL of the Postgres the benchmark creates its database in (TEST_DATABASE_URL). */
function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Deletes every key under `prefix` (both `prefix:...` and `prefix-...`). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Creates the database, the prefix and the folder. */
export async function openDeployment(): Promise<OpenedDeployment> {
  const id = randomBytes(4).toString('hex');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `ddbench-${id}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dd-bench-dist-'));
  const name = `dd_bench_dist_${id}`;
  let created = false;
  const close = async (): Promise<void> => {
    await deleteKeys(redisUrl, prefix).catch((error: unknown) => console.error(`could not delete the Redis keys ${prefix}*: ${(error as Error).message}`));
    if (created) {
      await withAdmin((c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)).catch((error: unknown) =>
        console.error(`could not drop the database ${name}: ${(error as Error).message}`),
      );
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await withAdmin((c) => c.query(`create database ${pg.escapeIdentifier(name)}`));
    created = true;
  } catch (error) {
    await close();
    throw new Error(`cannot create the benchmark database on ${adminUrl()}: ${(error as Error).message}`, { cause: error });
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString(), redisUrl, prefix, storageUrl: path.join(dir, 'data'), dir, close };
}
