/**
 * `datadog dataset ...` and `datadog connector ...` end to end: the real CLI on a fresh
 * DATADOG_HOME where a generator -> transform pipeline has run, in local mode, and the same
 * commands against a real `datadog server`.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTempDir, removeDir, runCli, startCli, startedRunId, writeSpec, type CliProcess } from './cli-harness.ts';

const PIPELINE = `
id: gen
tasks:
  - id: make
    kind: source
    outputs: [events]
    config:
      connector: {type: generator, seed: 1, count: 50}
  - id: agg
    kind: transform
    inputs: [events]
    outputs: [by_type]
    config:
      steps:
        - aggregate: {group_by: [event_type], metrics: {n: count}}
`;

let dir: string;
let home: string;
let runId: string;
let goodSqlite: string;
let badConfig: string;
/** An unreachable PostgreSQL, with a password that must never be printed. */
let unreachablePostgres: string;

beforeAll(async () => {
  dir = await makeTempDir('datadog-cli-datasets-');
  home = path.join(dir, 'home');
  const file = await writeSpec(dir, 'gen.yaml', PIPELINE);
  const run = await runCli(['pipeline', 'run', file], { home });
  expect(run.code, run.output).toBe(0);
  runId = startedRunId(run.output);

  const db = new BetterSqlite3(path.join(dir, 'app.db'));
  db.exec('create table orders (id integer primary key, total real)');
  db.close();
  // A relative path: it resolves against the file's folder, not the CLI's working folder.
  goodSqlite = await writeSpec(dir, 'sqlite.yaml', 'type: sqlite\npath: app.db\n');
  badConfig = await writeSpec(dir, 'bad.yaml', 'type: sqlite\npath: 5\n');
  unreachablePostgres = await writeSpec(dir, 'pg.yaml', 'type: postgres\nurl: postgres://postgres:hunter22@127.0.0.1:1/x\n');
}, 90_000);

afterAll(async () => {
  await removeDir(dir);
});

describe('dataset list', () => {
  test('prints the datasets as JSON with rows, latest version and pipeline', async () => {
    const result = await runCli(['dataset', 'list', '--json'], { home });
    expect(result.code, result.output).toBe(0);
    const datasets = JSON.parse(result.stdout) as Array<{ name: string; rows: number; pipelineId: string; latestVersionId: string }>;
    expect(datasets.map((d) => d.name)).toEqual(['by_type', 'events']);
    expect(datasets[1]).toMatchObject({ name: 'events', rows: 50, pipelineId: 'gen', latestVersionId: expect.any(String) });
  });

  test('prints a table by default', async () => {
    const result = await runCli(['dataset', 'list'], { home });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/^NAME +ROWS +LATEST VERSION +PIPELINE +UPDATED$/m);
    expect(result.stdout).toMatch(/^events +50 +\S+ +gen +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
  });
});

describe('dataset show', () => {
  test('prints the schema and the versions with run, task, status, rows and size', async () => {
    const result = await runCli(['dataset', 'show', 'by_type'], { home });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('dataset by_type  pipeline gen');
    expect(result.stdout).toMatch(/^ {2}event_type +yes +VARCHAR$/m);
    expect(result.stdout).toMatch(/^ {2}n +yes +BIGINT$/m);
    expect(result.stdout).toMatch(new RegExp(`^ {2}\\S+ +${runId} +agg +published +\\d+ +[\\d.]+ (B|KiB)`, 'm'));
  });

  test('gives the dataset and its versions as JSON', async () => {
    const result = await runCli(['dataset', 'show', 'events', '--json'], { home });
    expect(result.code, result.output).toBe(0);
    const detail = JSON.parse(result.stdout);
    expect(detail.dataset).toMatchObject({ name: 'events', rows: 50 });
    expect(detail.versions).toEqual([expect.objectContaining({ runId, taskId: 'make', status: 'published', rows: 50 })]);
  });

  test('exits 2 for an unknown dataset', async () => {
    const result = await runCli(['dataset', 'show', 'ghost'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: dataset 'ghost' not found");
  });
});

describe('dataset preview', () => {
  test('prints the rows a run wrote as a table, nested values as compact JSON', async () => {
    const result = await runCli(['dataset', 'preview', 'events', '--run', runId, '--limit', '5'], { home });
    expect(result.code, result.output).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^events version \\S+ \\(run ${runId}, task make, published\\): rows 1-5 of 50$`));
    expect(lines[2]).toMatch(/^event_id +event_type +timestamp +user +/);
    expect(lines.slice(3)).toHaveLength(5);
    expect(lines[3]).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z +\{"id":"u_/);
  });

  test('gives JSON-safe rows with --json, and the version of the run', async () => {
    const result = await runCli(['dataset', 'preview', 'by_type', '--run', runId, '--limit', '100', '--json'], { home });
    expect(result.code, result.output).toBe(0);
    const preview = JSON.parse(result.stdout);
    expect(preview.version.runId).toBe(runId);
    expect(preview.columns.map((c: { name: string }) => c.name)).toEqual(['event_type', 'n']);
    expect(preview.rows.reduce((sum: number, row: { n: number }) => sum + row.n, 0)).toBe(50);
  });

  test('exits 2 for an unknown run or a bad --limit', async () => {
    const noRun = await runCli(['dataset', 'preview', 'events', '--run', 'not-a-run'], { home });
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain("dataset version 'events in run not-a-run' not found");
    const badLimit = await runCli(['dataset', 'preview', 'events', '--limit', 'lots'], { home });
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain("expected a whole number, got 'lots'");
  });
});

describe('connector list', () => {
  test('prints each connector type with its capabilities and secret fields', async () => {
    const result = await runCli(['connector', 'list'], { home });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(/^TYPE +CAPABILITIES +SECRET FIELDS$/m);
    expect(result.stdout).toMatch(/^postgres +read,write,discover +password,url$/m);
    expect(result.stdout).toMatch(/^generator +read,discover +-$/m);
  });
});

describe('connector test', () => {
  test('exits 0 for a reachable SQLite file and lists its tables with --discover', async () => {
    const result = await runCli(['connector', 'test', '-f', goodSqlite, '--discover'], { home });
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(`OK sqlite: opened ${path.join(dir, 'app.db')}`);
    expect(result.stdout).toMatch(/^orders +2 +id BIGINT, total DOUBLE$/m);
  });

  test('reads a block nested under connector:', async () => {
    const file = await writeSpec(dir, 'nested.yaml', 'connector:\n  type: sqlite\n  path: app.db\n');
    const result = await runCli(['connector', 'test', '-f', file, '--json'], { home });
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'sqlite', ok: true });
  });

  test('exits 2 for an invalid config, naming the field path', async () => {
    const result = await runCli(['connector', 'test', '-f', badConfig], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('connector.path: expected a string, got number 5');
  });

  test('exits 1 when PostgreSQL is unreachable, without printing the password', async () => {
    const result = await runCli(['connector', 'test', '-f', unreachablePostgres], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^FAILED postgres: .*ECONNREFUSED/m);
    expect(result.output).not.toContain('hunter22');

    const json = await runCli(['connector', 'test', '-f', unreachablePostgres, '--json'], { home });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'postgres', ok: false, error: { code: 'ECONNREFUSED' } });
  });
});

describe('against a server', () => {
  let server: CliProcess;
  let url: string;
  let remoteRunId: string;

  beforeAll(async () => {
    const serverHome = path.join(dir, 'server-home');
    server = startCli(['server', '--port', '0'], { home: serverHome });
    url = (await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 40_000))[1] as string;
    const run = await runCli(['pipeline', 'run', path.join(dir, 'gen.yaml'), '--wait', '--server', url], { home });
    expect(run.code, run.output).toBe(0);
    remoteRunId = startedRunId(run.output);
  }, 90_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 30_000);

  test('lists, shows and previews the datasets the server wrote', async () => {
    const list = await runCli(['dataset', 'list', '--json', '--server', url], { home });
    expect(list.code, list.output).toBe(0);
    expect(JSON.parse(list.stdout).map((d: { name: string }) => d.name)).toEqual(['by_type', 'events']);

    const show = await runCli(['dataset', 'show', 'events', '--server', url], { home });
    expect(show.code, show.output).toBe(0);
    expect(show.stdout).toContain(remoteRunId);

    const preview = await runCli(['dataset', 'preview', 'events', '--run', remoteRunId, '--limit', '3', '--json', '--server', url], { home });
    expect(preview.code, preview.output).toBe(0);
    const body = JSON.parse(preview.stdout);
    expect(body.rows).toHaveLength(3);
    expect(body.rows[0].timestamp).toMatch(/Z$/);
  });

  test('tests connectors on the server with the same exit codes', async () => {
    const good = await runCli(['connector', 'test', '-f', goodSqlite, '--server', url], { home });
    expect(good.code, good.output).toBe(0);
    const bad = await runCli(['connector', 'test', '-f', badConfig, '--server', url], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('connector.path');
    const unreachable = await runCli(['connector', 'test', '-f', unreachablePostgres, '--server', url], { home });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).not.toContain('hunter22');
  });
});
