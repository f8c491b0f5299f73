/**
 * Runs that outlive one command: cancelling a run from another CLI process, Ctrl-C on a local
 * run, and following logs of a run that another process executes.
 */
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { makeTempDir, removeDir, runCli, startCli, startedRunId, writeSpec, type CliProcess } from './cli-harness.ts';

let dir: string;
let home: string;
const started: CliProcess[] = [];

beforeEach(async () => {
  dir = await makeTempDir();
  home = path.join(dir, 'home');
});

afterEach(async () => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  await removeDir(dir);
});

const SLOW = `
id: slow
tasks:
  - {id: first, kind: noop}
  - {id: nap, kind: shell, depends_on: [first], config: {command: 'echo napping; sleep 30'}}
  - {id: after, kind: noop, depends_on: [nap]}
`;

test('cancels a run started by another CLI process, which then exits 1 well before the task would end', async () => {
  const file = await writeSpec(dir, 'slow.yaml', SLOW);
  const runner = startCli(['pipeline', 'run', file, '--wait'], { home });
  started.push(runner);
  const runId = startedRunId((await runner.waitFor(/run [0-9a-f-]{36} started/))[0]);
  await runner.waitFor(/nap +running \(attempt 1\)/);

  const cancel = await runCli(['pipeline', 'cancel', runId], { home });
  expect(cancel.code, cancel.output).toBe(0);
  expect(cancel.stdout).toContain(`run ${runId} cancelled`);

  const result = await runner.exited;
  expect(result.code, result.output).toBe(1);
  expect(result.ms).toBeLessThan(20_000);
  expect(result.stdout).toMatch(/nap +cancelled/);
  expect(result.stdout).toContain(`run ${runId} cancelled after`);

  const status = await runCli(['pipeline', 'status', runId, '--json'], { home });
  const detail = JSON.parse(status.stdout) as { run: { status: string }; tasks: Array<{ taskId: string; status: string }> };
  expect(detail.run.status).toBe('cancelled');
  expect(Object.fromEntries(detail.tasks.map((t) => [t.taskId, t.status]))).toEqual({ first: 'succeeded', nap: 'cancelled', after: 'cancelled' });

  const again = await runCli(['pipeline', 'cancel', runId], { home });
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('already cancelled');
}, 40_000);

test('Ctrl-C on a local run cancels it', async () => {
  const file = await writeSpec(dir, 'slow.yaml', SLOW);
  const runner = startCli(['pipeline', 'run', file], { home });
  started.push(runner);
  await runner.waitFor(/nap +running/);
  runner.child.kill('SIGINT');
  const result = await runner.exited;
  expect(result.code, result.output).toBe(1);
  expect(result.stderr).toContain('cancelling run');
  expect(result.stdout).toMatch(/run [0-9a-f-]{36} cancelled after/);
}, 40_000);

test('logs --follow prints new lines until the run, driven by another process, has finished', async () => {
  const file = await writeSpec(
    dir,
    'ticks.yaml',
    `id: ticks\ntasks:\n  - {id: tick, kind: shell, config: {command: 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.5; done'}}\n  - {id: done, kind: shell, depends_on: [tick], config: {command: 'echo finished'}}\n`,
  );
  const runner = startCli(['pipeline', 'run', file], { home });
  started.push(runner);
  const runId = startedRunId((await runner.waitFor(/run [0-9a-f-]{36} started/))[0]);

  const follow = await runCli(['pipeline', 'logs', runId, '--follow'], { home });
  expect(follow.code, follow.output).toBe(0);
  expect(follow.stdout).toBe([1, 2, 3, 4, 5, 6].map((i) => `[tick 1] tick ${i}\n`).join('') + '[done 1] finished\n');
  expect((await runner.exited).code).toBe(0);
}, 40_000);
