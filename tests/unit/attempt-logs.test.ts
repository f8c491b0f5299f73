import { describe, expect, it } from 'vitest';
import { AttemptLogs } from '../../src/runtime/executors/distributed/attempt-logs.ts';
import { LogTail } from '../../src/runtime/executors/distributed/log-tail.ts';
import type { TaskLogEntry, TaskLogMessage } from '../../src/runtime/executors/distributed/task-job.ts';

const line = (n: number): TaskLogEntry => ({ stream: 'stdout', level: 'info', message: `line ${n}` });
const lines = (from: number, to: number): TaskLogEntry[] => Array.from({ length: to - from }, (_, i) => line(from + i));
const live = (delivery: string, from: number, to: number): TaskLogMessage => ({ jobId: 'j', delivery, from, entries: lines(from, to) });

/** The worker's tail of a delivery that logged lines 0..total-1. */
function tailOf(delivery: string, total: number, maxBytes = 1 << 20) {
  const tail = new LogTail(maxBytes);
  for (const entry of lines(0, total)) tail.push(entry);
  return tail.snapshot(delivery);
}

function recorder(alreadyRecorded = 0) {
  const recorded: string[] = [];
  const logs = new AttemptLogs((e) => recorded.push(e.message), alreadyRecorded);
  return { logs, recorded };
}

describe('AttemptLogs', () => {
  it('records live lines as they come and only the rest of the outcome\'s tail', () => {
    const { logs, recorded } = recorder();
    logs.live(live('d1', 0, 3));
    logs.live(live('d1', 3, 5));
    // The last live message is overtaken by the outcome: its lines come from the tail.
    logs.final(tailOf('d1', 7));
    logs.live(live('d1', 5, 7));
    expect(recorded).toEqual(lines(0, 7).map((l) => l.message));
  });

  it('stops recording live lines after a gap and takes the missing ones, in order, from the tail', () => {
    const { logs, recorded } = recorder();
    logs.live(live('d1', 0, 2));
    // Lines 2..4 were published while no server listened.
    logs.live(live('d1', 5, 8));
    logs.final(tailOf('d1', 9));
    expect(recorded).toEqual(lines(0, 9).map((l) => l.message));
  });

  it('skips the lines recorded before a restart, and starts over for a worker that took the job over', () => {
    const resumed = recorder(3);
    resumed.logs.final(tailOf('d1', 5));
    expect(resumed.recorded).toEqual(['line 3', 'line 4']);

    const { logs, recorded } = recorder();
    logs.live(live('dead-worker', 0, 2));
    logs.live(live('d2', 0, 1));
    logs.final(tailOf('d2', 3));
    expect(recorded).toEqual(['line 0', 'line 1', 'line 0', 'line 1', 'line 2']);
  });

  it('says how many lines the size-bounded tail could not bring', () => {
    const tail = tailOf('d1', 100, 20 * 60);
    expect(tail.total).toBe(100);
    expect(tail.from).toBeGreaterThan(0);
    expect(tail.entries.at(-1)?.message).toBe('line 99');
    const { logs, recorded } = recorder();
    logs.live(live('d1', 0, 10));
    logs.final(tail);
    expect(recorded.slice(0, 10)).toEqual(lines(0, 10).map((l) => l.message));
    expect(recorded[10]).toBe(`${tail.from - 10} log line(s) of this attempt were not kept: the worker sends the last ones with the outcome, up to a size`);
    expect(recorded.slice(11)).toEqual(tail.entries.map((e) => e.message));
  });
});

describe('LogTail', () => {
  it('keeps the newest lines within its size, and always the last one', () => {
    const tail = new LogTail(100);
    for (let n = 0; n < 5000; n++) tail.push(line(n));
    const snapshot = tail.snapshot('d');
    expect(snapshot.total).toBe(5000);
    expect(snapshot.entries.map((e) => e.message)).toEqual(lines(snapshot.from, 5000).map((l) => l.message));
    const huge = new LogTail(10);
    huge.push({ stream: 'stdout', level: 'info', message: 'x'.repeat(1000) });
    expect(huge.snapshot('d').entries).toHaveLength(1);
  });
});
