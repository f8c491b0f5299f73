import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApi, shellChain, type ApiHarness } from './api-helpers.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await openApi();
});

afterAll(async () => {
  await api.close();
});

const GREET_YAML = `
id: greet
description: says hello
tags: [demo]
params:
  name: { type: string, default: world }
  count: { type: integer, default: 1 }
tasks:
  - id: hello
    kind: shell
    config: { command: 'echo "hello $PARAM_NAME"' }
`;

describe('registering pipelines', () => {
  it('registers a JSON spec as a new version (201), and the same spec again answers 200', async () => {
    const spec = shellChain('json_chain', { a: 'echo a', b: 'echo b' }, { description: 'two steps' });
    const first = await api.call('POST', '/api/v1/pipelines', { spec });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ pipeline: { id: 'json_chain', description: 'two steps', archived: false }, newVersion: true });
    const again = await api.call('POST', '/api/v1/pipelines', { spec });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ newVersion: false, version: first.json().version });
  });

  it('registers YAML given in a JSON body or as a raw application/yaml body', async () => {
    const inJson = await api.call('POST', '/api/v1/pipelines', { yaml: GREET_YAML });
    expect(inJson.statusCode).toBe(201);
    expect(inJson.json().pipeline).toMatchObject({ id: 'greet', tags: ['demo'] });
    const raw = await api.call('POST', '/api/v1/pipelines', GREET_YAML.replace('says hello', 'says hi'), { 'content-type': 'application/yaml' });
    expect(raw.statusCode).toBe(201);
    expect(raw.json().version).not.toBe(inJson.json().version);
  });

  it('refuses an invalid spec with a 400 naming the path of each problem', async () => {
    const res = await api.call('POST', '/api/v1/pipelines', { spec: { id: 'bad', tasks: [{ id: 'a', kind: 'teleport' }, { id: 'b', kind: 'shell', retries: { max: 'x' }, config: { command: 'true' } }] } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('SPEC_INVALID');
    const paths = error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('tasks[1].retries.max');
    const again = await api.call('POST', '/api/v1/pipelines', { spec: { id: 'bad', tasks: [{ id: 'a', kind: 'teleport' }] } });
    expect(again.json().error.details.issues).toEqual([{ path: 'tasks[0].kind', message: expect.stringContaining("unknown task kind 'teleport'") }]);
    expect(again.json().error.message).toContain('tasks[0].kind');
  });

  it('refuses a cyclic DAG', async () => {
    const spec = { id: 'loop', tasks: [{ id: 'a', kind: 'noop', depends_on: ['b'] }, { id: 'b', kind: 'noop', depends_on: ['a'] }] };
    const res = await api.call('POST', '/api/v1/pipelines', { spec });
    expect(res.statusCode).toBe(400);
    expect(['DAG_INVALID', 'SPEC_INVALID']).toContain(res.json().error.code);
  });

  it('refuses a YAML alias bomb', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const res = await api.call('POST', '/api/v1/pipelines', { yaml: levels.join('\n') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('YAML_INVALID');
    expect(res.json().error.message).toMatch(/alias/i);
  });

  it('refuses broken YAML and a body with neither or both of spec and yaml', async () => {
    const broken = await api.call('POST', '/api/v1/pipelines', { yaml: 'id: [unclosed' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('YAML_INVALID');
    for (const body of [{}, { spec: { id: 'x' }, yaml: 'id: x' }]) {
      const res = await api.call('POST', '/api/v1/pipelines', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ path: 'body.spec' }] } });
    }
    const wrongType = await api.call('POST', '/api/v1/pipelines', { spec: 'id: x' });
    expect(wrongType.json().error.details.issues[0].path).toBe('body.spec');
  });
});

describe('validating, listing and reading pipelines', () => {
  it('validates without registering', async () => {
    const ok = await api.call('POST', '/api/v1/pipelines/validate', { spec: shellChain('not_stored', { a: 'true' }) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ valid: true, pipelineId: 'not_stored', version: expect.any(String) });
    expect((await api.call('GET', '/api/v1/pipelines/not_stored')).statusCode).toBe(404);
    const bad = await api.call('POST', '/api/v1/pipelines/validate', { yaml: 'id: v\ntasks:\n  - id: a\n    kind: nope\n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues[0].path).toBe('tasks[0].kind');
  });

  it('lists pipelines and reads one with its stored spec', async () => {
    await api.call('POST', '/api/v1/pipelines', { spec: shellChain('listed', { a: 'echo listed' }) });
    const list = await api.call('GET', '/api/v1/pipelines');
    expect(list.statusCode).toBe(200);
    expect(list.json().pipelines.map((p: { id: string }) => p.id)).toContain('listed');
    const one = await api.call('GET', '/api/v1/pipelines/listed');
    expect(one.statusCode).toBe(200);
    const body = one.json();
    expect(body.version).toBe(body.pipeline.currentVersion);
    expect(body.spec).toMatchObject({ id: 'listed', tasks: [{ id: 'a', kind: 'shell', config: { command: 'echo listed' } }] });
  });

  it('answers 404 for an unknown pipeline', async () => {
    const res = await api.call('GET', '/api/v1/pipelines/ghost');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'NOT_FOUND', message: "pipeline 'ghost' not found", details: { kind: 'pipeline', id: 'ghost' } });
    const run = await api.call('POST', '/api/v1/pipelines/ghost/execute', {});
    expect(run.statusCode).toBe(404);
  });
});

describe('executing pipelines', () => {
  it('checks params: malformed ones answer 400 PARAM_INVALID naming each param', async () => {
    await api.call('POST', '/api/v1/pipelines', { yaml: GREET_YAML });
    const badValue = await api.call('POST', '/api/v1/pipelines/greet/execute', { params: { count: 'many', colour: 'red' } });
    expect(badValue.statusCode).toBe(400);
    expect(badValue.json().error.code).toBe('PARAM_INVALID');
    expect(badValue.json().error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['params.colour', 'params.count']);
    const notObject = await api.call('POST', '/api/v1/pipelines/greet/execute', { params: [1, 2] });
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().error).toMatchObject({ code: 'PARAM_INVALID', details: { issues: [{ path: 'params' }] } });
  });

  it('starts a run (202) with params coerced to their declared types, also without a body', async () => {
    const res = await api.call('POST', '/api/v1/pipelines/greet/execute', { params: { name: 'Ada', count: '3' } });
    expect(res.statusCode).toBe(202);
    const { run } = res.json();
    expect(run).toMatchObject({ pipelineId: 'greet', params: { name: 'Ada', count: 3 }, trigger: 'api' });
    expect((await api.platform.waitForRun(run.id)).status).toBe('succeeded');
    const bare = await api.call('POST', '/api/v1/pipelines/greet/execute');
    expect(bare.statusCode).toBe(202);
    expect(bare.json().run.params).toEqual({ name: 'world', count: 1 });
    await api.platform.waitForRun(bare.json().run.id);
  });
});
