import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/runtime/batch-writer.ts';
import type { EventRecord, Store, StoreBatch } from '../../src/store/store.ts';

/** A store whose applyBatch waits until the test releases it, recording every batch. */
function slowStore() {
  const batches: StoreBatch[] = [];
  const releases: Array<() => void> = [];
  const store = {
    applyBatch(batch: StoreBatch): Promise<number[]> {
      batches.push(batch);
      return new Promise((resolve) => releases.push(() => resolve([])));
    },
  } as unknown as Store;
  return { store, batches, release: () => releases.shift()?.() };
}

const event = (n: number): Omit<EventRecord, 'seq'> => ({ type: 'task.status', runId: 'r1', pipelineId: 'p', taskId: `t${n}`, ts: new Date(0).toISOString(), payload: { n } });
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Two turns of the event loop: the writer starts a write on the second, after the tick's Redis commands. */
const writerTurn = () => tick().then(tick);

describe('BatchWriter', () => {
  const options = (store: Store) => ({ store, owner: 'engine-1', logger: pino({ level: 'silent' }), onLostOwnership: () => undefined });

  it('writes what a tick records in one batch', async () => {
    const { store, batches, release } = slowStore();
    const writer = new BatchWriter(options(store));
    writer.event(event(1));
    writer.event(event(2));
    await tick();
    expect(batches).toHaveLength(0);
    await tick();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events?.map((e) => e.taskId)).toEqual(['t1', 't2']);
    release();
    await writer.flush();
  });

  it('groups everything recorded while a write is in flight into the next batch', async () => {
    const { store, batches, release } = slowStore();
    const writer = new BatchWriter(options(store));
    writer.event(event(1));
    await writerTurn();
    // Three more ticks' worth of records while the first transaction is still open.
    for (let n = 2; n <= 4; n++) {
      writer.event(event(n));
      await tick();
    }
    expect(batches).toHaveLength(1);
    const flushed = writer.flush();
    release();
    await tick();
    expect(batches).toHaveLength(2);
    expect(batches[1]?.events?.map((e) => e.taskId)).toEqual(['t2', 't3', 't4']);
    let done = false;
    void flushed.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    release();
    await flushed;
    expect(done).toBe(true);
  });

  it('resolves a flush once its records are written, while later records keep coming', async () => {
    const { store, batches, release } = slowStore();
    const writer = new BatchWriter(options(store));
    writer.event(event(1));
    const flushed = writer.flush();
    let done = false;
    void flushed.then(() => (done = true));
    // Each write, more is recorded: the loop keeps writing, but the flush only waits for its own batch.
    for (let n = 2; n <= 5; n++) {
      writer.event(event(n));
      release();
      await tick();
    }
    expect(done).toBe(true);
    expect(batches[0]?.events?.map((e) => e.taskId)).toEqual(['t1']);
    release();
    await writer.flush();
  });

  it('resolves flush at once when nothing is pending, and writes records made after an idle flush', async () => {
    const { store, batches, release } = slowStore();
    const writer = new BatchWriter(options(store));
    await writer.flush();
    expect(batches).toHaveLength(0);
    writer.event(event(5));
    const flushed = writer.flush();
    expect(batches).toHaveLength(1);
    release();
    await flushed;
    writer.event(event(6));
    await writerTurn();
    expect(batches).toHaveLength(2);
    release();
    await writer.flush();
  });
});
