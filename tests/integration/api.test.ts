import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, registeredRoutes, shellChain, type ApiHarness } from './api-helpers.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await openApi();
});

afterAll(async () => {
  await api.close();
});

describe('server basics', () => {
  it('answers /health with the version, the store and the executor', async () => {
    const res = await api.call('GET', '/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), store: 'sqlite', executor: 'local' });
  });

  it('answers an unknown route with a 404 JSON error', async () => {
    const res = await api.call('GET', '/api/v1/nothing-here?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/nothing-here', details: { method: 'GET', path: '/api/v1/nothing-here' } } });
  });

  it('answers malformed JSON with a 400 JSON error', async () => {
    const res = await api.call('POST', '/api/v1/pipelines', '{"spec": ', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_ERROR');
  });

  it('answers an unsupported content type with a 415 JSON error', async () => {
    const res = await api.call('POST', '/api/v1/pipelines', 'id=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('lists every query problem with its path', async () => {
    const res = await api.call('GET', '/api/v1/executions?limit=abc&status=running,bogus');
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['query.limit', 'query.status[1]']);
    expect(error.message).toContain("got the string 'bogus'");
  });

  it('lists the task kinds and connectors', async () => {
    const res = await api.call('GET', '/api/v1/connectors');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Array.isArray(body.connectors)).toBe(true);
    const shell = body.taskKinds.find((k: { name: string }) => k.name === 'shell');
    expect(shell.description).toMatch(/shell/i);
    expect(shell.configSchema.properties.command).toBeDefined();
  });
});

describe('metrics', () => {
  it('serves Prometheus text at /metrics and a JSON summary at /api/v1/metrics', async () => {
    await api.call('POST', '/api/v1/pipelines', { spec: shellChain('metered', { a: 'echo metered' }) });
    const { run } = (await api.call('POST', '/api/v1/pipelines/metered/execute', {})).json();
    await api.platform.waitForRun(run.id);

    const text = await api.call('GET', '/metrics');
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.body).toContain('datadog_runs_total{pipeline="metered",status="succeeded"} 1');

    const summary = await api.call('GET', '/api/v1/metrics?pipeline=metered');
    expect(summary.statusCode).toBe(200);
    expect(summary.json().runs).toMatchObject({ succeeded: 1, failed: 0, running: 0 });
    expect(summary.json().tasks).toEqual([expect.objectContaining({ pipelineId: 'metered', taskId: 'a', count: 1 })]);
  });
});

describe('OpenAPI', () => {
  it('documents every route the server serves, with tags and a summary', async () => {
    const res = await api.call('GET', '/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path} summary`).toBeTruthy();
      }
    }
    // The web UI's routes (`/` and its catch-all) serve the app, not the API; they are hidden on purpose.
    const served = registeredRoutes(api.app).filter((route) => !/ \/(openapi\.json|docs)/.test(route) && !/^GET \/\*?$/.test(route));
    expect(served.length).toBeGreaterThanOrEqual(13);
    for (const route of served) expect(documented, route).toContain(route);
    expect(doc.components.schemas.Run).toBeDefined();
    expect(doc.paths['/api/v1/executions'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['pipeline', 'status', 'limit', 'before', 'since', 'until']);
  });

  it('serves a reference page at /docs', async () => {
    const res = await api.call('GET', '/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('/openapi.json');
  });
});
