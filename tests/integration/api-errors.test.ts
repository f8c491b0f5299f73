import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import type { FastifyInstance } from 'fastify';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/store.ts';

let home: string;
let platform: Platform;
let app: FastifyInstance;
const lines: Array<{ level: number; msg: string; err?: { message: string } }> = [];

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'datadog-api-errors-'));
  const real = createStore({ home });
  // A store whose pipeline listing breaks, standing in for a platform fault.
  const store = new Proxy(real, {
    get(target, key, receiver) {
      if (key === 'listPipelines') return () => Promise.reject(new Error('disk on fire: postgres://admin:s3cret@db/x'));
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  platform = await createPlatform({ home, store, logger });
  app = await buildServer({ platform, logger: true });
});

afterAll(async () => {
  await app.close();
  await platform.close();
  await rm(home, { recursive: true, force: true });
});

describe('error handling', () => {
  it('answers a platform fault with 500 INTERNAL, logs it with the error, and keeps internals out of the body', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/pipelines' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: expect.any(String), details: null } });
    expect(res.body).not.toContain('s3cret');
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.err?.message).toContain('disk on fire');
  });

  it('does not log user mistakes as errors', async () => {
    lines.length = 0;
    expect((await app.inject({ method: 'GET', url: '/api/v1/pipelines/ghost' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/v1/pipelines', payload: { spec: { id: 'x' } } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/no/such/route' })).statusCode).toBe(404);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});
