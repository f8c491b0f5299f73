/**
 * The `datadog` CLI end to end in local mode: each test spawns the real CLI with a fresh
 * DATADOG_HOME, so registration, runs and their records go through the real store and engine.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeTempDir, removeDir, runCli, startedRunId, writeSpec } from './cli-harness.ts';

let dir: string;
let home: string;

beforeEach(async () => {
  dir = await makeTempDir();
  home = path.join(dir, 'home');
});

afterEach(async () => {
  await removeDir(dir);
});

const GOOD = `
id: greet
params:
  name: {type: string, default: world}
  count: {type: integer, default: 1}
tasks:
  - id: hello
    kind: shell
    config: {command: 'echo "hello $PARAM_NAME x$PARAM_COUNT"'}
  - id: bye
    kind: shell
    depends_on: [hello]
    config: {command: 'echo bye; echo "to stderr" >&2'}
`;

describe('pipeline validate', () => {
  test('accepts a good file and names its task count and version', async () => {
    const file = await writeSpec(dir, 'good.yaml', GOOD);
    const result = await runCli(['pipeline', 'validate', file], { home });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/^OK .*good\.yaml: pipeline 'greet', 2 tasks, version [0-9a-f]{16}$/m);
  });

  test('rejects a bad file with exit 2 and the path of each problem', async () => {
    const file = await writeSpec(
      dir,
      'bad.yaml',
      `id: bad\ntasks:\n  - id: a\n    kind: shell\n    retries: {max: many}\n    config: {command: 'true'}\n  - id: b\n    kind: teleport\n`,
    );
    const result = await runCli(['pipeline', 'validate', file], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*bad\.yaml: invalid pipeline spec/m);
    expect(result.stderr).toContain('tasks[0].retries.max');
    expect(result.stdout).toBe('');
  });

  test('prints the cycle of a cyclic DAG', async () => {
    const file = await writeSpec(
      dir,
      'cycle.yaml',
      `id: loop\ntasks:\n  - {id: a, kind: noop, depends_on: [c]}\n  - {id: b, kind: noop, depends_on: [a]}\n  - {id: c, kind: noop, depends_on: [b]}\n`,
    );
    const result = await runCli(['pipeline', 'validate', file], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid pipeline DAG');
    expect(result.stderr).toMatch(/cycle: ([abc]) -> [abc] -> [abc] -> \1/);
  });

  test('reports a missing file with exit 2', async () => {
    const result = await runCli(['pipeline', 'validate', path.join(dir, 'nope.yaml')], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pipeline file not found');
  });
});

describe('pipeline run', () => {
  test('runs examples/hello.yaml to success and tells every task succeeded', async () => {
    const result = await runCli(['pipeline', 'run', 'examples/hello.yaml', '--wait'], { home });
    expect(result.code, result.output).toBe(0);
    const runId = startedRunId(result.stdout);
    for (const task of ['extract', 'clean', 'flaky', 'load']) {
      expect(result.stdout).toMatch(new RegExp(`\\] ${task} +succeeded`));
    }
    // flaky fails its first attempt and is retried.
    expect(result.stdout).toMatch(/flaky +up_for_retry: attempt 1 failed: command exited with code 1/);
    expect(result.stdout).toContain(`run ${runId} succeeded in`);
    expect(result.stdout).toContain('(pipeline hello: 4 succeeded)');
  });

  test('runs examples/failing.yaml to failure with exit 1, naming the task and the reason', async () => {
    const result = await runCli(['pipeline', 'run', 'examples/failing.yaml', '--wait'], { home });
    expect(result.code, result.output).toBe(1);
    expect(result.stdout).toMatch(/run [0-9a-f-]{36} failed in/);
    expect(result.stdout).toContain("task 'transform' failed: command exited with code 3: column 'amount' has text where a number was expected");
    expect(result.stdout).toMatch(/report +upstream_failed/);
  });

  test('passes params to shell tasks and registers a file once', async () => {
    const file = await writeSpec(dir, 'greet.yaml', GOOD);
    const first = await runCli(['pipeline', 'run', file, '--param', 'name=Ada', '-p', 'count=2'], { home });
    expect(first.code, first.output).toBe(0);
    expect(first.stdout).toMatch(/pipeline greet version [0-9a-f]{16} \(new version\)/);
    const runId = startedRunId(first.stdout);

    const logs = await runCli(['pipeline', 'logs', runId], { home });
    expect(logs.code, logs.output).toBe(0);
    expect(logs.stdout).toContain('[hello 1] hello Ada x2');
    expect(logs.stdout).toContain('[bye 1] bye');
    expect(logs.stdout).toContain('[bye 1] to stderr');

    const onlyBye = await runCli(['pipeline', 'logs', runId, '--task', 'bye'], { home });
    expect(onlyBye.stdout).not.toContain('hello Ada');
    expect(onlyBye.stdout).toContain('[bye 1] bye');

    // By id this time: the registered pipeline is found in the store.
    const second = await runCli(['pipeline', 'run', 'greet'], { home });
    expect(second.code, second.output).toBe(0);
  });

  test('refuses bad params with exit 2 before registering or running anything', async () => {
    const file = await writeSpec(dir, 'greet.yaml', GOOD);
    const badValue = await runCli(['pipeline', 'run', file, '--param', 'count=lots'], { home });
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/params\.count: expected an? integer/);
    expect(badValue.stdout).not.toContain('started');

    const unknown = await runCli(['pipeline', 'run', file, '--param', 'colour=red'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('params.colour: unknown param');

    const malformed = await runCli(['pipeline', 'run', file, '--param', 'name'], { home });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("expected key=value, got 'name'");

    const list = await runCli(['pipeline', 'list', '--json'], { home });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  test('says so with exit 2 when the pipeline id is unknown', async () => {
    const result = await runCli(['pipeline', 'run', 'no_such_pipeline'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: pipeline 'no_such_pipeline' not found");
  });

  test('with --json prints only the finished run as JSON on stdout', async () => {
    const file = await writeSpec(dir, 'greet.yaml', GOOD);
    const result = await runCli(['pipeline', 'run', file, '--json'], { home });
    expect(result.code, result.output).toBe(0);
    const detail = JSON.parse(result.stdout) as { run: { status: string }; tasks: Array<{ taskId: string; status: string }> };
    expect(detail.run.status).toBe('succeeded');
    expect(detail.tasks.map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
    expect(result.stderr).toMatch(/run [0-9a-f-]{36} started/);
  });
});

describe('pipeline create, list, status', () => {
  test('create registers once; list shows it as a table and as JSON', async () => {
    const file = await writeSpec(dir, 'greet.yaml', GOOD);
    const created = await runCli(['pipeline', 'create', '-f', file], { home });
    expect(created.code, created.output).toBe(0);
    expect(created.stdout).toMatch(/^pipeline greet version [0-9a-f]{16} \(new version\)$/m);
    const again = await runCli(['pipeline', 'create', '--file', file], { home });
    expect(again.stdout).toContain('(unchanged');

    const table = await runCli(['pipeline', 'list'], { home });
    expect(table.stdout).toMatch(/^ID +NAME +VERSION +TAGS +UPDATED$/m);
    expect(table.stdout).toMatch(/^greet +greet +[0-9a-f]{16}/m);

    const json = await runCli(['pipeline', 'list', '--json'], { home });
    const pipelines = JSON.parse(json.stdout) as Array<{ id: string; currentVersion: string }>;
    expect(pipelines.map((p) => p.id)).toEqual(['greet']);
  });

  test('status shows the run and its tasks, as text and as JSON', async () => {
    const file = await writeSpec(dir, 'greet.yaml', GOOD);
    const run = await runCli(['pipeline', 'run', file, '-p', 'name=Grace'], { home });
    const runId = startedRunId(run.stdout);

    const text = await runCli(['pipeline', 'status', runId], { home });
    expect(text.code, text.output).toBe(0);
    expect(text.stdout).toContain(`run ${runId} succeeded`);
    expect(text.stdout).toMatch(/hello +succeeded +1/);
    expect(text.stdout).toContain('params {"name":"Grace","count":1}');

    const json = await runCli(['pipeline', 'status', runId, '--json'], { home });
    const detail = JSON.parse(json.stdout) as { run: { id: string; status: string; params: unknown }; tasks: unknown[]; attempts: unknown[] };
    expect(detail.run).toMatchObject({ id: runId, status: 'succeeded', params: { name: 'Grace', count: 1 } });
    expect(detail.tasks).toHaveLength(2);
    expect(detail.attempts).toHaveLength(2);

    const missing = await runCli(['pipeline', 'status', '00000000-0000-0000-0000-000000000000'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('not found');
  });
});

describe('pipeline rerun', () => {
  test('re-runs a failed run from its failure, reusing the tasks that succeeded', async () => {
    const marker = path.join(dir, 'fixed');
    const counter = path.join(dir, 'extract-count');
    const file = await writeSpec(
      dir,
      'fragile.yaml',
      `id: fragile
tasks:
  - {id: extract, kind: shell, config: {command: 'echo x >> ${counter}'}}
  - {id: side, kind: shell, depends_on: [extract], config: {command: 'echo side'}}
  - {id: load, kind: shell, depends_on: [extract], config: {command: 'test -f ${marker} || { echo "not fixed yet" >&2; exit 4; }'}}
  - {id: report, kind: noop, depends_on: [load, side]}
`,
    );
    const failed = await runCli(['pipeline', 'run', file], { home });
    expect(failed.code, failed.output).toBe(1);
    expect(failed.stdout).toContain("task 'load' failed: command exited with code 4: not fixed yet");
    const failedId = startedRunId(failed.stdout);

    await writeFile(marker, '');
    const rerun = await runCli(['pipeline', 'rerun', failedId], { home });
    expect(rerun.code, rerun.output).toBe(0);
    const rerunId = startedRunId(rerun.stdout);
    expect(rerun.stdout).toContain(`re-run of ${failedId}`);
    expect(rerun.stdout).toMatch(new RegExp(`extract +succeeded \\(reused from run ${failedId}\\)`));
    expect(rerun.stdout).toContain('4 succeeded (2 reused)');
    expect(await readFile(counter, 'utf8')).toBe('x\n');

    const status = await runCli(['pipeline', 'status', rerunId, '--json'], { home });
    const detail = JSON.parse(status.stdout) as { run: { parentRunId: string }; tasks: Array<{ taskId: string; reusedFromRunId: string | null }> };
    expect(detail.run.parentRunId).toBe(failedId);
    const reused = Object.fromEntries(detail.tasks.map((t) => [t.taskId, t.reusedFromRunId]));
    expect(reused).toEqual({ extract: failedId, side: failedId, load: null, report: null });

    const again = await runCli(['pipeline', 'rerun', rerunId], { home });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('nothing to re-run');
  });
});

describe('the program', () => {
  test('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version'], { home });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  test('usage mistakes exit 2', async () => {
    const unknown = await runCli(['pipeline', 'frobnicate'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = await runCli(['pipeline', 'run'], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'pipeline'");
    const badServer = await runCli(['pipeline', 'list', '--server', 'localhost:8000'], { home });
    expect(badServer.code).toBe(2);
  });

  test('worker refuses a bad concurrency with exit 2, and lists no workers on an unused prefix', async () => {
    const bad = await runCli(['worker', '--pools', 'a,b', '--concurrency', 'lots'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--concurrency: expected a positive integer, got 'lots'");
    const list = await runCli(['worker', 'list', '--prefix', `dd-empty-${process.pid}`], { home });
    expect(list.code, list.output).toBe(0);
    expect(list.stdout).toContain('no workers');
  });
});
