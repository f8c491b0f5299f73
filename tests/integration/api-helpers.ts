/**
 * Shared set-up of the API tests: a real platform on a temp-dir SQLite store behind a real
 * server, driven through `inject()`, plus small polling helpers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/api/server.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';

export interface ApiHarness {
  app: FastifyInstance;
  platform: Platform;
  home: string;
  /** Sends a request; JSON bodies are given as objects. */
  call(method: InjectOptions['method'], url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Opens a platform in a fresh temp folder and builds the API server around it. */
export async function openApi(): Promise<ApiHarness> {
  const home = await mkdtemp(path.join(tmpdir(), 'datadog-api-'));
  const platform = await createPlatform({ home, logLevel: 'silent' });
  const app = await buildServer({ platform });
  return {
    app,
    platform,
    home,
    call: (method, url, payload, headers) =>
      app.inject({ method, url, ...(payload !== undefined ? { payload: payload as string } : {}), ...(headers ? { headers } : {}) }),
    close: async () => {
      await app.close();
      await platform.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A spec of shell tasks in a chain, as JSON. */
export function shellChain(id: string, commands: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const ids = Object.keys(commands);
  return {
    id,
    ...extra,
    tasks: ids.map((taskId, i) => ({ id: taskId, kind: 'shell', depends_on: i > 0 ? [ids[i - 1]] : [], config: { command: commands[taskId] } })),
  };
}

/**
 * The routes fastify serves, as `METHOD /path` with OpenAPI-style `{param}`s, read from
 * printRoutes (fastify has no route list API). HEAD twins of GET routes are left out.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line.replace(/\u00a0/g, ' '));
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + (match[2] ?? '');
    stack[depth] = full;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method && method !== 'HEAD') out.push(`${method} ${full.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return out;
}
