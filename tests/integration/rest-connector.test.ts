import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/connectors/connector.ts';
import { createConnectorContext } from '../../src/connectors/connector-context.ts';
import { linkFromHeader } from '../../src/connectors/rest/link-header.ts';
import { extractRecords } from '../../src/connectors/rest/records-path.ts';
import { restConfigSchema } from '../../src/connectors/rest/rest-config.ts';
import { createRestConnector } from '../../src/connectors/rest/rest-connector.ts';
import { RestHttpError, redactUrl } from '../../src/connectors/rest/rest-http-error.ts';
import type { RestTiming } from '../../src/connectors/rest/rest-timing.ts';
import { isErrorCode } from '../../src/core/errors.ts';

/** A request as the server saw it; `at` is the fake clock's time when it arrived. */
interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

const START = Date.UTC(2026, 0, 1);
let clock = START;
const sleeps: number[] = [];
const warnings: string[] = [];
/** Sleeping moves the fake clock; nothing waits for real. */
const timing: RestTiming = {
  now: () => clock,
  sleep: async (ms) => {
    sleeps.push(ms);
    clock += ms;
  },
  random: () => 0.5,
};

const seen: Seen[] = [];
const hits = new Map<string, number>();
let server: http.Server;
let base = '';

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, hit: number): void {
  const q = url.searchParams;
  switch (url.pathname) {
    case '/page': {
      const page = Number(q.get('page'));
      const size = Number(q.get('size') ?? 2);
      return json(res, 200, { data: { items: ITEMS.slice((page - 1) * size, page * size) } });
    }
    case '/offset':
      return json(res, 200, { results: ITEMS.slice(Number(q.get('offset')), Number(q.get('offset')) + Number(q.get('limit'))) });
    case '/cursor': {
      const at = Number(q.get('cursor') ?? 0);
      const next = at + 3 < ITEMS.length ? String(at + 3) : null;
      return json(res, 200, { data: ITEMS.slice(at, at + 3), meta: { next } });
    }
    case '/link': {
      const p = Number(q.get('p') ?? 1);
      const link: Record<string, string> = p < 3 ? { link: `</link?p=${p + 1}&per=3>; rel="next", </link?p=3&per=3>; rel="last"` } : {};
      return json(res, 200, ITEMS.slice((p - 1) * 3, p * 3), link);
    }
    case '/bearer':
      return req.headers.authorization === 'Bearer s3cret-token' ? json(res, 200, [{ ok: 1 }]) : json(res, 401, { error: 'bad token' });
    case '/basic':
      return req.headers.authorization === `Basic ${Buffer.from('ada:pa55word').toString('base64')}` ? json(res, 200, [{ ok: 1 }]) : json(res, 401, { error: 'who?' });
    case '/key-header':
      return req.headers['x-custom-key'] === 'k-123' ? json(res, 200, [{ ok: 1 }]) : json(res, 403, { error: 'no key' });
    case '/key-query':
      return q.get('api_key') === 'k-456' ? json(res, 200, [{ ok: 1 }]) : json(res, 403, { error: 'no key' });
    case '/limited':
      return hit === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '2' }) : json(res, 200, [{ id: 1 }]);
    case '/limited-date':
      return hit === 1 ? json(res, 429, {}, { 'retry-after': new Date(clock + 3000).toUTCString() }) : json(res, 200, [{ id: 1 }]);
    case '/flaky':
      return hit <= 2 ? json(res, 503, { error: 'busy' }) : json(res, 200, { items: [{ id: 1 }, { id: 2 }] });
    case '/down':
      return json(res, 503, { error: 'maintenance' });
    case '/slow': {
      const timer = setTimeout(() => json(res, 200, [{ id: 1 }]), 2000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case '/echo':
      return json(res, 200, { query: Object.fromEntries(q), path: url.pathname });
    case '/sink':
      return json(res, 201, { ok: true });
    case '/single':
      return json(res, 200, { data: { user: { id: 42, name: 'ada' } } });
    default:
      return json(res, 404, { error: 'no route' });
  }
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const hit = (hits.get(url.pathname) ?? 0) + 1;
      hits.set(url.pathname, hit);
      seen.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: text ? JSON.parse(text) : undefined, at: clock });
      route(req, res, url, hit);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  clock = START;
  sleeps.length = 0;
  warnings.length = 0;
  seen.length = 0;
  hits.clear();
});

const connector = createRestConnector({ timing });

async function context(config: Record<string, unknown>, params: Record<string, unknown> = {}, signal?: AbortSignal) {
  return createConnectorContext({
    config: restConfigSchema.parse(config),
    params,
    signal,
    log: { info: () => undefined, warn: (m) => warnings.push(m) },
  });
}

async function readAll(config: Record<string, unknown>, params: Record<string, unknown> = {}, signal?: AbortSignal): Promise<RecordBatch> {
  const ctx = await context(config, params, signal);
  try {
    const rows: RecordBatch = [];
    for await (const batch of connector.read?.(ctx) ?? []) rows.push(...batch);
    return rows;
  } finally {
    await ctx.dispose();
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const ids = (rows: RecordBatch) => rows.map((r) => r.id);

describe('rest connector against a local HTTP server', () => {
  it('follows page-number pagination until an empty page', async () => {
    const rows = await readAll({ url: `${base}/page`, records_path: 'data.items', pagination: { type: 'page', param: 'page', size_param: 'size', size: 3 } });
    expect(ids(rows)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map((s) => [s.query.page, s.query.size])).toEqual([
      ['1', '3'],
      ['2', '3'],
      ['3', '3'],
      ['4', '3'],
    ]);
  });

  it('stops at max_pages', async () => {
    const rows = await readAll({ url: `${base}/page`, records_path: '$.data.items[*]', pagination: { type: 'page', max_pages: 2 } });
    expect(ids(rows)).toEqual([1, 2, 3, 4]);
    expect(seen).toHaveLength(2);
  });

  it('follows offset pagination by the rows received', async () => {
    const rows = await readAll({ url: `${base}/offset`, records_path: '$.results[*]', pagination: { type: 'offset', param: 'offset', limit_param: 'limit', limit: 3 } });
    expect(ids(rows)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map((s) => s.query.offset)).toEqual(['0', '3', '6', '7']);
  });

  it('follows a cursor from the body until it is null', async () => {
    const rows = await readAll({ url: `${base}/cursor`, records_path: 'data', pagination: { type: 'cursor', cursor_path: 'meta.next', param: 'cursor' } });
    expect(ids(rows)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map((s) => s.query.cursor)).toEqual([undefined, '3', '6']);
  });

  it('follows rel="next" Link headers until there is none', async () => {
    const rows = await readAll({ url: `${base}/link`, pagination: { type: 'link_header' } });
    expect(ids(rows)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map((s) => s.query.p)).toEqual([undefined, '2', '3']);
  });

  it('takes a single object at records_path as one record', async () => {
    expect(await readAll({ url: `${base}/single`, records_path: 'data.user' })).toEqual([{ id: 42, name: 'ada' }]);
  });

  it('authenticates with a bearer token, basic credentials and API keys', async () => {
    expect(await readAll({ url: `${base}/bearer`, auth: { type: 'bearer', token: 's3cret-token' } })).toEqual([{ ok: 1 }]);
    expect(await readAll({ url: `${base}/basic`, auth: { type: 'basic', username: 'ada', password: 'pa55word' } })).toEqual([{ ok: 1 }]);
    expect(await readAll({ url: `${base}/key-header`, auth: { type: 'api_key', header: 'X-Custom-Key', value: 'k-123' } })).toEqual([{ ok: 1 }]);
    expect(await readAll({ url: `${base}/key-query`, auth: { type: 'api_key', query: 'api_key', value: 'k-456' } })).toEqual([{ ok: 1 }]);
  });

  it('fails at once on a 401 without retrying or printing the token', async () => {
    const error = await failure(readAll({ url: `${base}/bearer`, auth: { type: 'bearer', token: 'wrong-token-value' } }));
    expect(error).toBeInstanceOf(RestHttpError);
    expect(isErrorCode(error, 'NON_RETRYABLE')).toBe(true);
    expect(error.message).toContain(`GET ${base}/bearer failed: HTTP 401`);
    expect(error.message).not.toContain('wrong-token-value');
    expect(hits.get('/bearer')).toBe(1);
  });

  it('masks a query API key in errors', async () => {
    const error = await failure(readAll({ url: `${base}/key-query`, auth: { type: 'api_key', query: 'api_key', value: 'not-the-key' } }));
    expect(error.message).toContain('api_key=***');
    expect(error.message).not.toContain('not-the-key');
  });

  it('waits as Retry-After says on a 429, then succeeds', async () => {
    expect(await readAll({ url: `${base}/limited` })).toEqual([{ id: 1 }]);
    expect(hits.get('/limited')).toBe(2);
    expect(sleeps).toEqual([2000]);
    expect(warnings[0]).toMatch(/HTTP 429.*retry 1\/3 in 2000 ms/);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    expect(await readAll({ url: `${base}/limited-date` })).toEqual([{ id: 1 }]);
    expect(hits.get('/limited-date')).toBe(2);
    expect(sleeps).toEqual([3000]);
  });

  it('retries a 503 with growing backoff, then succeeds', async () => {
    const rows = await readAll({ url: `${base}/flaky`, records_path: 'items', retry: { max: 3, base_ms: 100, cap_ms: 10_000 } });
    expect(ids(rows)).toEqual([1, 2]);
    expect(hits.get('/flaky')).toBe(3);
    // Equal jitter with random() = 0.5: three quarters of 100, then of 200.
    expect(sleeps).toEqual([75, 150]);
  });

  it('gives up after the configured retries with the URL and the status', async () => {
    const error = await failure(readAll({ url: `${base}/down?region=eu`, retry: { max: 2, base_ms: 100, cap_ms: 150 } }));
    expect(error.message).toBe(`GET ${base}/down?region=eu failed after 3 attempts: HTTP 503 Service Unavailable: {"error":"maintenance"}`);
    expect((error as RestHttpError).status).toBe(503);
    expect(isErrorCode(error, 'TASK_FAILED')).toBe(true);
    expect(hits.get('/down')).toBe(3);
    // The second backoff is capped at 150 before jitter: 75 + 37.5.
    expect(sleeps).toEqual([75, 112.5]);
  });

  it('retries network errors', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(readAll({ url: `http://127.0.0.1:${port}/x`, retry: { max: 2, base_ms: 10, cap_ms: 100 } }));
    expect(error.message).toBe(`GET http://127.0.0.1:${port}/x failed after 3 attempts: network error: ECONNREFUSED`);
    expect(sleeps).toHaveLength(2);
  });

  it('times out a slow request', async () => {
    const started = Date.now();
    const error = await failure(readAll({ url: `${base}/slow`, timeout_ms: 150, retry: { max: 1, base_ms: 10, cap_ms: 10 } }));
    expect(error.message).toBe(`GET ${base}/slow failed after 2 attempts: timed out after 150 ms`);
    expect(hits.get('/slow')).toBe(2);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('stops when the task is cancelled, without retrying', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by user')), 100);
    const error = await failure(readAll({ url: `${base}/slow`, timeout_ms: 5000 }, {}, controller.signal));
    expect(error.message).toBe('cancelled by user');
    expect(hits.get('/slow')).toBe(1);
  });

  it('spaces requests by the rate limit', async () => {
    await readAll({ url: `${base}/page`, records_path: 'data.items', pagination: { type: 'page', max_pages: 4 }, rate_limit: { requests_per_second: 5 } });
    expect(seen.map((s) => s.at - START)).toEqual([0, 200, 400, 600]);
    expect(sleeps).toEqual([200, 200, 200]);
  });

  it('lets a burst through, then spaces the rest', async () => {
    await readAll({ url: `${base}/page`, records_path: 'data.items', pagination: { type: 'page', size_param: 'size', size: 1, max_pages: 5 }, rate_limit: { requests_per_second: 10, burst: 3 } });
    expect(seen.map((s) => s.at - START)).toEqual([0, 0, 0, 100, 200]);
  });

  it('fills run params into the URL and query, encoded', async () => {
    const rows = await readAll(
      { url: `${base}/echo`, query: { day: '${params.day}', q: 'name:${params.name}', limit: 10 } },
      { day: new Date('2026-01-31T00:00:00Z'), name: 'a&b=c d' },
    );
    expect(rows).toEqual([{ query: { day: '2026-01-31T00:00:00.000Z', q: 'name:a&b=c d', limit: '10' }, path: '/echo' }]);
    await expect(readAll({ url: `${base}/echo`, query: { day: '${params.missing}' } })).rejects.toThrow(/query.day: \$\{params.missing\} is not a param of this run/);
  });

  it('posts each record, or JSON arrays of batch_size, to the URL', async () => {
    async function* batches(): AsyncIterable<RecordBatch> {
      yield [{ id: 1 }, { id: 2 }, { id: 3 }];
      yield [{ id: 4 }, { id: 5 }];
    }
    const write = async (config: Record<string, unknown>, mode: 'append' | 'overwrite' = 'append') => {
      const ctx = await context(config, { tenant: 'acme' });
      try {
        return await connector.write?.({ ...ctx, batches: batches(), mode, columns: [{ name: 'id', type: 'BIGINT' }] });
      } finally {
        await ctx.dispose();
      }
    };
    expect(await write({ url: `${base}/sink?tenant=\${params.tenant}`, auth: { type: 'bearer', token: 't' } })).toEqual({ rowsWritten: 5 });
    expect(seen.map((s) => [s.method, s.body, s.query.tenant, s.headers.authorization, s.headers['content-type']])).toEqual(
      [1, 2, 3, 4, 5].map((id) => ['POST', { id }, 'acme', 'Bearer t', 'application/json']),
    );

    seen.length = 0;
    expect(await write({ url: `${base}/sink`, write: { batch_size: 2, method: 'PUT' } })).toEqual({ rowsWritten: 5 });
    expect(seen.map((s) => [s.method, s.body])).toEqual([
      ['PUT', [{ id: 1 }, { id: 2 }]],
      ['PUT', [{ id: 3 }, { id: 4 }]],
      ['PUT', [{ id: 5 }]],
    ]);
    await expect(write({ url: `${base}/sink` }, 'overwrite')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('tests the connection and discovers columns from the first page', async () => {
    const ctx = await context({ url: `${base}/page`, records_path: 'data.items', pagination: { type: 'page' } });
    try {
      await expect(connector.test(ctx)).resolves.toEqual({ ok: true, message: `HTTP 200 from ${base}/page?page=1, 2 records on the first page` });
      expect(await connector.discover?.(ctx)).toEqual([
        {
          name: 'records',
          columns: [
            { name: 'id', type: 'BIGINT', nullable: false },
            { name: 'name', type: 'VARCHAR', nullable: false },
          ],
        },
      ]);
    } finally {
      await ctx.dispose();
    }
    expect(connector.secretFields).toEqual(['token', 'password', 'value']);
  });
});

describe('rest connector helpers', () => {
  it('finds records by dotted paths, indexes and wildcards', () => {
    const body = { data: { items: [{ id: 1 }, { id: 2 }], groups: [{ items: [{ id: 3 }] }, { items: [{ id: 4 }, 5] }] } };
    expect(extractRecords(body, 'data.items')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(extractRecords(body, '$.data.items[*]')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(extractRecords(body, "$['data']['items'][1]")).toEqual([{ id: 2 }]);
    expect(extractRecords(body, '$.data.groups[*].items[*]')).toEqual([{ id: 3 }, { id: 4 }, { value: 5 }]);
    expect(extractRecords(body, 'data.missing')).toEqual([]);
    expect(extractRecords([{ id: 9 }])).toEqual([{ id: 9 }]);
    expect(() => extractRecords(body, 'data..items')).toThrow(/records_path 'data..items'/);
  });

  it('reads rel="next" from Link headers, with commas inside URLs and relative targets', () => {
    expect(linkFromHeader('<https://a.example/x?page=2&q=a,b>; rel="next", <https://a.example/x?page=9>; rel="last"', 'https://a.example/x')).toBe('https://a.example/x?page=2&q=a,b');
    expect(linkFromHeader('</x?page=1>; rel=prev, </y?page=3>; rel=next', 'https://a.example/x')).toBe('https://a.example/y?page=3');
    expect(linkFromHeader('<https://a.example/x?page=9>; rel="last"', 'https://a.example/x')).toBeUndefined();
  });

  it('masks credentials in shown URLs', () => {
    expect(redactUrl('https://u:p@h.example/x?access_token=abc&page=2&k=v', ['k'])).toBe('https://***:***@h.example/x?access_token=***&page=2&k=***');
  });
});
