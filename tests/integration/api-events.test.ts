/**
 * The live routes over real HTTP: a server listening on a free port, read with fetch
 * streaming. Runs of shell pipelines produce the status events and log lines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiEvent } from '../../src/api/client.ts';
import type { ErrorBody } from '../../src/api/schemas.ts';
import { buildServer } from '../../src/api/server.ts';
import { readSse, type SseEvent } from '../../src/api/sse-client.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { shellChain } from './api-helpers.ts';

let home: string;
let platform: Platform;
let app: FastifyInstance;
let baseUrl: string;
let api: ApiClient;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'datadog-events-'));
  platform = await createPlatform({ home, logLevel: 'silent' });
  app = await buildServer({ platform });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  api = new ApiClient(baseUrl);
  await platform.registerSpec(shellChain('chain', { a: 'echo one', b: 'echo two', c: 'echo three' }));
  await platform.registerSpec(shellChain('other', { x: 'echo other' }));
  await platform.registerSpec(shellChain('talky', { say: 'echo first line; sleep 0.3; echo second line; sleep 0.3; echo third line' }));
});

afterAll(async () => {
  await app?.close();
  await platform?.close();
  await rm(home, { recursive: true, force: true });
});

/** Takes events until `stop` says so, or fails after `timeoutMs`. */
async function takeUntil<T>(events: AsyncIterator<T>, stop: (event: T, all: T[]) => boolean, timeoutMs = 15_000): Promise<T[]> {
  const all: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const next = await withTimeout(events.next(), deadline - Date.now());
    if (next === 'timeout') throw new Error(`timed out after ${all.length} events: ${JSON.stringify(all).slice(0, 500)}`);
    if (next.done) return all;
    all.push(next.value);
    if (stop(next.value, all)) return all;
  }
}

/** What arrives within `ms`: nothing is the expected answer after a complete replay. */
async function nextWithin<T>(events: AsyncIterator<T>, ms: number): Promise<IteratorResult<T> | 'timeout'> {
  return withTimeout(events.next(), ms);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, ms))));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Opens a stream with plain fetch; resolves once the server has answered (the stream is then live). */
async function openStream(pathAndQuery: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<AsyncGenerator<SseEvent>> {
  const response = await fetch(baseUrl + pathAndQuery, { headers, ...(signal ? { signal } : {}) });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return readSse(response.body as ReadableStream<Uint8Array>);
}

const isRunEnd = (event: SseEvent): boolean => event.event === 'run.status' && ['succeeded', 'failed', 'cancelled'].includes(JSON.parse(event.data).status);

describe('GET /api/v1/events', () => {
  it('streams the task and run status events of a run as they happen, each with an increasing id', async () => {
    const controller = new AbortController();
    const stream = await openStream('/api/v1/events?pipeline=chain&types=run.status,task.status', {}, controller.signal);
    const run = await platform.triggerRun('chain');
    const events = await takeUntil(stream, isRunEnd);
    controller.abort();

    const payloads = events.map((event) => ({ type: event.event, ...JSON.parse(event.data) }));
    expect(payloads.every((p) => p.runId === run.id)).toBe(true);
    const taskEnds = payloads.filter((p) => p.type === 'task.status' && p.status === 'succeeded').map((p) => p.taskId);
    expect(taskEnds).toEqual(['a', 'b', 'c']);
    expect(payloads.filter((p) => p.type === 'task.status' && p.status === 'running').map((p) => p.taskId)).toEqual(['a', 'b', 'c']);
    expect(payloads[payloads.length - 1]).toMatchObject({ type: 'run.status', status: 'succeeded' });
    const ids = events.map((event) => Number(event.id));
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replays exactly the events after Last-Event-ID on reconnect, then carries on live without duplicates', async () => {
    const run = await platform.triggerRun('chain');
    await platform.waitForRun(run.id);
    const stored = await platform.store.listEvents({ runId: run.id });
    expect(stored.length).toBeGreaterThan(4);
    const cut = stored[2]!.seq;

    const controller = new AbortController();
    const replay = await openStream(`/api/v1/events?run=${run.id}`, { 'last-event-id': String(cut) }, controller.signal);
    const replayed = await takeUntil(replay, (_event, all) => all.length === stored.length - 3);
    expect(replayed.map((event) => Number(event.id))).toEqual(stored.slice(3).map((event) => event.seq));
    expect(replayed.map((event) => JSON.parse(event.data))).toEqual(stored.slice(3).map((event) => event.payload));
    // The run is over: nothing else may come, in particular not the replayed events again.
    expect(await nextWithin(replay, 700)).toBe('timeout');
    controller.abort();

    // `?since=` does the same for clients that cannot set headers; the header wins over it.
    const viaQuery = new AbortController();
    const sinceStream = await openStream(`/api/v1/events?run=${run.id}&since=${cut}`, {}, viaQuery.signal);
    expect((await takeUntil(sinceStream, (_e, all) => all.length === stored.length - 3)).map((event) => Number(event.id))).toEqual(stored.slice(3).map((e) => e.seq));
    viaQuery.abort();
  });

  it('resumes through the client from the last id seen, live, with no gap and no duplicate', async () => {
    const first = new AbortController();
    const before = await platform.store.lastEventSeq();
    const live = api.events({ pipeline: 'chain', types: ['task.status', 'run.status'], after: before }, { signal: first.signal });
    const run = await platform.triggerRun('chain');
    // Stop half-way through the run, as a dropped connection would.
    const head = await takeUntil(live, (_event, all) => all.length === 3);
    first.abort();
    const lastSeen = head[head.length - 1]!.id as number;

    const second = new AbortController();
    const resumed = api.events({ pipeline: 'chain', types: ['task.status', 'run.status'], after: lastSeen }, { signal: second.signal });
    const tail = await takeUntil(resumed, (event) => event.type === 'run.status' && ['succeeded', 'failed'].includes(event.data.status));
    second.abort();

    const all = [...head, ...tail];
    const stored = (await platform.store.listEvents({ runId: run.id })).filter((e) => e.type === 'task.status' || e.type === 'run.status');
    expect(all.map((event) => event.id)).toEqual(stored.map((event) => event.seq));
  });

  it('gives only the events of the run asked for', async () => {
    const controller = new AbortController();
    const mine = await platform.triggerRun('chain');
    const theirs = await platform.triggerRun('other');
    const events: ApiEvent[] = await takeUntil(
      api.events({ run: mine.id, after: 0 }, { signal: controller.signal }),
      (event) => event.type === 'run.status' && event.data.status === 'succeeded',
    );
    controller.abort();
    await platform.waitForRun(theirs.id);
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((event) => 'runId' in event.data && event.data.runId === mine.id)).toBe(true);
  });

  it('streams log lines live, without an id, and pipeline saves', async () => {
    const controller = new AbortController();
    const stream = await openStream('/api/v1/events?pipeline=talky&types=task.log,pipeline.saved', {}, controller.signal);
    const run = await platform.triggerRun('talky');
    const logs = await takeUntil(stream, (event) => event.event === 'task.log' && JSON.parse(event.data).message.includes('third line'));
    expect(logs.map((event) => JSON.parse(event.data).message)).toEqual(['first line', 'second line', 'third line']);
    expect(logs.every((event) => event.id === null && event.event === 'task.log')).toBe(true);
    expect(JSON.parse(logs[0]!.data)).toMatchObject({ runId: run.id, taskId: 'say', stream: 'stdout' });

    await platform.registerSpec(shellChain('talky', { say: 'echo changed' }));
    const [saved] = await takeUntil(stream, (event) => event.event === 'pipeline.saved');
    controller.abort();
    expect(saved).toMatchObject({ id: null, event: 'pipeline.saved' });
    expect(JSON.parse(saved!.data)).toMatchObject({ pipelineId: 'talky', newVersion: true });
    await platform.waitForRun(run.id);
    await platform.registerSpec(shellChain('talky', { say: 'echo first line; sleep 0.3; echo second line; sleep 0.3; echo third line' }));
  });

  it('answers a bad filter with a JSON error instead of a stream', async () => {
    const missing = await fetch(`${baseUrl}/api/v1/events?run=nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await fetch(`${baseUrl}/api/v1/events?types=run.status,bogus`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.details).toMatchObject({ issues: [{ path: 'query.types[1]' }] });
    const badId = await fetch(`${baseUrl}/api/v1/events`, { headers: { 'last-event-id': 'x' } });
    expect(badId.status).toBe(400);
  });

  it('ends open streams when the server closes, so closing does not hang', async () => {
    const otherHome = await mkdtemp(path.join(tmpdir(), 'datadog-events-close-'));
    const other = await createPlatform({ home: otherHome, logLevel: 'silent' });
    const server = await buildServer({ platform: other });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`http://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/v1/events`);
    const events = readSse(response.body as ReadableStream<Uint8Array>);
    const pending = events.next();
    await server.close();
    expect(await pending).toMatchObject({ done: true });
    await other.close();
    await rm(otherHome, { recursive: true, force: true });
  });
});

describe('GET /api/v1/executions/{id}/logs?follow=true', () => {
  it('streams the lines of a run as they are written and ends when the run is over', async () => {
    const run = await platform.triggerRun('talky');
    const lines = [];
    for await (const line of api.followLogs(run.id)) lines.push(line);
    expect(lines.map((line) => line.message)).toEqual(['first line', 'second line', 'third line']);
    expect((await platform.store.getRun(run.id))?.status).toBe('succeeded');
    expect(lines.map((line) => line.id)).toEqual((await platform.store.getLogs({ runId: run.id })).map((line) => line.id));
  });

  it('resumes after a line id and sends the end event with the run status', async () => {
    const run = await platform.triggerRun('talky');
    await platform.waitForRun(run.id);
    const [first] = await platform.store.getLogs({ runId: run.id, limit: 1 });
    const events = await takeUntil(await openStream(`/api/v1/executions/${run.id}/logs?follow=true`, { 'last-event-id': String(first!.id) }), () => false);
    expect(events.map((event) => event.event)).toEqual(['log', 'log', 'end']);
    expect(events.slice(0, 2).map((event) => JSON.parse(event.data).message)).toEqual(['second line', 'third line']);
    expect(JSON.parse(events[2]!.data)).toEqual({ runId: run.id, status: 'succeeded' });
  });

  it('still answers JSON pages without follow', async () => {
    const { runs } = await api.listRuns({ pipeline: 'talky', limit: 1 });
    const page = await api.getLogs(runs[0]!.id);
    expect(page.logs.length).toBe(3);
  });
});
