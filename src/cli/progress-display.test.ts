import { describe, expect, test } from 'vitest';
import type { RunRecord, TaskRunRecord } from '../store/store.ts';
import type { RunDetail } from './backend.ts';
import { stripAnsi } from './ansi.ts';
import { ProgressDisplay, type DisplayStream } from './progress-display.ts';

function fakeStream(isTTY: boolean): DisplayStream & { text: string } {
  const stream = {
    text: '',
    isTTY,
    columns: 100,
    rows: 30,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function run(status: RunRecord['status'], finishedMs: number | null): RunRecord {
  return {
    id: 'run-1',
    pipelineId: 'etl',
    pipelineVersion: 'v1',
    status,
    params: {},
    trigger: 'cli',
    parentRunId: null,
    createdAt: at(0),
    startedAt: at(0),
    finishedAt: finishedMs === null ? null : at(finishedMs),
    error: null,
    cancelRequested: false,
    owner: null,
    leaseExpiresAt: null,
  };
}

function task(taskId: string, patch: Partial<TaskRunRecord> = {}): TaskRunRecord {
  return {
    runId: 'run-1',
    taskId,
    status: 'pending',
    attempts: 0,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    nextAttemptAt: null,
    error: null,
    errorCode: null,
    output: null,
    reusedFromRunId: null,
    ...patch,
  };
}

const finalDetail: RunDetail = {
  run: run('failed', 1500),
  tasks: [
    task('extract', { status: 'succeeded', attempts: 1, startedAt: at(0), finishedAt: at(200), reusedFromRunId: 'run-0' }),
    task('load', { status: 'failed', attempts: 2, startedAt: at(900), finishedAt: at(1400), error: 'command exited with code 3: boom' }),
    task('report', { status: 'upstream_failed', error: 'an upstream task failed', finishedAt: at(1400) }),
  ],
  attempts: [],
};

describe('ProgressDisplay in line mode (not a TTY)', () => {
  test('prints one line per transition and a summary naming the failed task', () => {
    const stream = fakeStream(false);
    const display = new ProgressDisplay({ stream });
    display.onStart({
      run: run('running', null),
      tasks: [task('extract', { status: 'succeeded', attempts: 1, startedAt: at(0), finishedAt: at(200), reusedFromRunId: 'run-0' }), task('load'), task('report')],
      attempts: [],
    });
    display.onTask({ taskId: 'load', status: 'queued', attempt: 0, ts: at(250) });
    display.onTask({ taskId: 'load', status: 'running', attempt: 1, ts: at(300) });
    display.onTask({ taskId: 'load', status: 'running', attempt: 1, ts: at(310) });
    display.onTask({ taskId: 'load', status: 'up_for_retry', attempt: 1, ts: at(800), error: 'command exited with code 3: boom', durationMs: 500, nextAttemptAt: at(900) });
    display.onTask({ taskId: 'load', status: 'running', attempt: 2, ts: at(900) });
    display.onTask({ taskId: 'load', status: 'failed', attempt: 2, ts: at(1400), error: 'command exited with code 3: boom', durationMs: 500 });
    display.finish(finalDetail);

    const lines = stream.text
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/^\[\d\d:\d\d:\d\d\] /, ''));
    expect(lines).toEqual([
      'extract  succeeded (reused from run run-0)',
      'load     running (attempt 1)',
      'load     up_for_retry: attempt 1 failed: command exited with code 3: boom; retrying in 100ms',
      'load     running (attempt 2)',
      'load     failed (attempt 2) in 500ms: command exited with code 3: boom',
      'report   upstream_failed',
      'run run-1 failed in 1.5s (pipeline etl: 1 succeeded (1 reused), 1 failed, 1 upstream_failed)',
      "  task 'load' failed: command exited with code 3: boom (after 2 attempts)",
    ]);
    expect(stream.text).not.toContain('\x1b');
  });

  test('prints task output lines only when asked', () => {
    const quiet = fakeStream(false);
    new ProgressDisplay({ stream: quiet }).onLog({ taskId: 'a', attempt: 1, ts: at(0), stream: 'stdout', message: 'hi' });
    expect(quiet.text).toBe('');
    const loud = fakeStream(false);
    new ProgressDisplay({ stream: loud, showLogs: true }).onLog({ taskId: 'a', attempt: 1, ts: at(0), stream: 'stdout', message: 'hi' });
    expect(loud.text).toBe('[a 1] hi\n');
  });
});

describe('ProgressDisplay in a terminal', () => {
  test('redraws the table in place and ends with every task and the summary', () => {
    const stream = fakeStream(true);
    const display = new ProgressDisplay({ stream, color: true, tickMs: 60_000 });
    display.onStart({ run: run('running', null), tasks: [task('extract'), task('load'), task('report')], attempts: [] });
    display.onTask({ taskId: 'extract', status: 'running', attempt: 1, ts: at(10) });
    display.finish(finalDetail);

    // Each redraw moves up over the previous table (4 lines: header and 3 tasks) and clears it.
    expect(stream.text).toContain('\x1b[4F\x1b[0J');
    const screen = stripAnsi(stream.text.slice(stream.text.lastIndexOf('\x1b[4F')));
    expect(screen).toMatch(/✔ extract +succeeded +attempt 1 +200ms +reused/);
    expect(screen).toMatch(/✖ load +failed +attempt 2 +500ms +command exited with code 3: boom/);
    expect(screen).toMatch(/⊘ report +upstream_failed/);
    expect(screen).toContain("task 'load' failed: command exited with code 3: boom");
    expect(stream.text).toContain('\x1b[31mfailed');
  });

  test('never writes a line wider than the terminal', () => {
    const stream = fakeStream(true);
    stream.columns = 40;
    const display = new ProgressDisplay({ stream, color: false, tickMs: 60_000 });
    display.onStart({ run: run('running', null), tasks: [task('a_task_with_a_rather_long_identifier_indeed')], attempts: [] });
    display.stop();
    for (const line of stripAnsi(stream.text).split('\n')) expect(line.replace(/^\r/, '').length).toBeLessThanOrEqual(39);
  });
});
