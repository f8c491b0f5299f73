/**
 * The CLI in remote mode: a real `datadog server` on a free port, and CLI commands pointed at
 * it with --server (or DATADOG_SERVER). Runs execute on the server; the CLI's own home stays
 * untouched.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTempDir, removeDir, runCli, startCli, startedRunId, writeSpec, type CliProcess } from './cli-harness.ts';

let dir: string;
/** The CLI's home: remote mode must never create it. */
let cliHome: string;
let server: CliProcess;
let url: string;

beforeAll(async () => {
  dir = await makeTempDir('datadog-cli-server-');
  cliHome = path.join(dir, 'cli-home');
  server = startCli(['server', '--port', '0', '--home', path.join(dir, 'server-home')], { home: path.join(dir, 'server-home') });
  const match = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 40_000);
  url = match[1] as string;
}, 60_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await removeDir(dir);
}, 30_000);

const SPEC = `
id: remote_greet
tags: [e2e]
params:
  name: {type: string, default: world}
tasks:
  - id: hello
    kind: shell
    config: {command: 'echo "hello $PARAM_NAME"'}
  - id: flaky
    kind: shell
    depends_on: [hello]
    retries: {max: 1, backoff: {base: 10ms, cap: 50ms}}
    config: {command: 'echo "attempt $DATADOG_ATTEMPT"; test "$DATADOG_ATTEMPT" -ge 2'}
`;

test('runs a file on the server with --wait and lists it', async () => {
  const file = await writeSpec(dir, 'greet.yaml', SPEC);
  const run = await runCli(['pipeline', 'run', file, '--wait', '--server', url, '-p', 'name=Remote'], { home: cliHome });
  expect(run.code, run.output).toBe(0);
  const runId = startedRunId(run.stdout);
  expect(run.stdout).toMatch(/pipeline remote_greet version [0-9a-f]{16} \(new version\)/);
  expect(run.stdout).toContain(`run ${runId} succeeded in`);
  expect(run.stdout).toContain('(pipeline remote_greet: 2 succeeded)');

  const list = await runCli(['pipeline', 'list', '--server', url], { home: cliHome });
  expect(list.code, list.output).toBe(0);
  expect(list.stdout).toMatch(/^remote_greet +remote_greet +[0-9a-f]{16} +e2e/m);

  const json = await runCli(['pipeline', 'list', '--json'], { home: cliHome, env: { DATADOG_SERVER: url } });
  expect((JSON.parse(json.stdout) as Array<{ id: string }>).map((p) => p.id)).toContain('remote_greet');

  const logs = await runCli(['pipeline', 'logs', runId, '--server', url], { home: cliHome });
  expect(logs.stdout).toContain('[hello 1] hello Remote');
  expect(logs.stdout).toContain('[flaky 2] attempt 2');

  expect(existsSync(cliHome)).toBe(false);
}, 60_000);

test('without --wait returns at once; status follows the run on the server', async () => {
  const file = await writeSpec(dir, 'failing.yaml', `id: remote_fail\ntasks:\n  - {id: boom, kind: shell, config: {command: 'sleep 0.5; echo broken >&2; exit 5'}}\n`);
  const started = await runCli(['pipeline', 'run', file, '--server', url, '--json'], { home: cliHome });
  expect(started.code, started.output).toBe(0);
  const { run } = JSON.parse(started.stdout) as { run: { id: string; status: string } };
  expect(['queued', 'running']).toContain(run.status);

  let status = '';
  for (let i = 0; i < 50 && !['failed', 'succeeded'].includes(status); i++) {
    const result = await runCli(['pipeline', 'status', run.id, '--json', '--server', url], { home: cliHome });
    status = (JSON.parse(result.stdout) as { run: { status: string } }).run.status;
  }
  expect(status).toBe('failed');

  const text = await runCli(['pipeline', 'status', run.id, '--server', url], { home: cliHome });
  expect(text.stdout).toContain("task 'boom' failed: command exited with code 5: broken");
}, 60_000);

test('follows a failing run to exit 1, and reports remote user errors with exit 2', async () => {
  const file = await writeSpec(dir, 'failing2.yaml', `id: remote_fail2\nparams:\n  n: {type: integer, default: 1}\ntasks:\n  - {id: boom, kind: shell, config: {command: 'exit 7'}}\n`);
  const failed = await runCli(['pipeline', 'run', file, '--wait', '--server', url], { home: cliHome });
  expect(failed.code, failed.output).toBe(1);
  expect(failed.stdout).toContain("task 'boom' failed: command exited with code 7");

  const badParam = await runCli(['pipeline', 'run', 'remote_fail2', '-p', 'n=x', '--server', url], { home: cliHome });
  expect(badParam.code).toBe(2);
  expect(badParam.stderr).toContain('params.n');

  const unknown = await runCli(['pipeline', 'status', 'no-such-run', '--server', url], { home: cliHome });
  expect(unknown.code).toBe(2);
}, 60_000);

test('cancels a run on the server', async () => {
  const file = await writeSpec(dir, 'slow.yaml', `id: remote_slow\ntasks:\n  - {id: nap, kind: shell, config: {command: 'sleep 30'}}\n`);
  const waiting = startCli(['pipeline', 'run', file, '--wait', '--server', url], { home: cliHome });
  const runId = startedRunId((await waiting.waitFor(/run [0-9a-f-]{36} started/))[0]);
  const cancel = await runCli(['pipeline', 'cancel', runId, '--server', url], { home: cliHome });
  expect(cancel.code, cancel.output).toBe(0);
  expect(cancel.stdout).toContain(`run ${runId} cancelled`);
  const result = await waiting.exited;
  expect(result.code, result.output).toBe(1);
  expect(result.stdout).toContain(`run ${runId} cancelled after`);
}, 60_000);

test('says so with exit 1 when the server cannot be reached', async () => {
  const result = await runCli(['pipeline', 'list', '--server', 'http://127.0.0.1:9'], { home: cliHome });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('cannot reach the server at http://127.0.0.1:9');
});
