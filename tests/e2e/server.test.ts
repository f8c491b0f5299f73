import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/datadog.js', import.meta.url));

const PIPELINE = `
id: e2e_echo
params:
  who: { type: string, default: nobody }
tasks:
  - id: greet
    kind: shell
    config: { command: 'echo "hello $PARAM_WHO"' }
  - id: done
    kind: shell
    depends_on: [greet]
    config: { command: 'echo done' }
`;

let dir: string;
let child: ChildProcess;
let output = '';
let url: string;

/** Resolves with the server's URL once it prints its `listening on` line. */
function waitForUrl(proc: ChildProcess, timeoutMs = 45_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not report its URL; output so far:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
}

async function getJson(pathname: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url + pathname, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'datadog-e2e-server-'));
  const examples = path.join(dir, 'examples');
  await mkdir(examples);
  await writeFile(path.join(examples, 'e2e-echo.yaml'), PIPELINE);
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  delete env.DATADOG_SERVER;
  child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--home', path.join(dir, 'home'), '--examples', examples], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await waitForUrl(child);
});

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('datadog server', () => {
  it('serves health and the example pipelines, runs a pipeline, and stops cleanly on SIGTERM', async () => {
    const health = await getJson('/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', store: 'sqlite' } });

    const pipelines = await getJson('/api/v1/pipelines');
    expect((pipelines.body.pipelines as Array<{ id: string }>).map((p) => p.id)).toEqual(['e2e_echo']);

    const started = await getJson('/api/v1/pipelines/e2e_echo/execute', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: { who: 'e2e' } }),
    });
    expect(started.status).toBe(202);
    const runId = (started.body.run as { id: string }).id;

    let status = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const detail = await getJson(`/api/v1/executions/${runId}/status`);
      status = (detail.body.run as { status: string }).status;
      if (['succeeded', 'failed', 'cancelled'].includes(status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('succeeded');
    const logs = await getJson(`/api/v1/executions/${runId}/logs?task=greet`);
    expect((logs.body.logs as Array<{ message: string }>).map((l) => l.message)).toEqual(['hello e2e']);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  });
});
