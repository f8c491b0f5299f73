/**
 * The store contract on the real PostgreSQL: this file creates a database of its own and drops
 * it afterwards. Skipped with a notice when Postgres is down, except on CI where that fails.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineSpecSchema } from '../../src/core/spec/pipeline-spec.ts';
import { specVersion } from '../../src/core/spec/spec-version.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store, StoreBatch, TaskRunRecord } from '../../src/store/store.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { runStoreContract } from './store-contract.ts';

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());

describe.skipIf(skip)('Postgres store', () => {
  let database: TestPostgresDatabase | undefined;

  beforeAll(async () => {
    database = await createTestPostgresDatabase('dd_test_store');
  });

  afterAll(async () => {
    await database?.drop();
  });

  const url = (): string => {
    if (!database) throw new Error('the test database was not created');
    return database.url;
  };

  runStoreContract('postgres', { create: async () => createPostgresStore({ connectionString: url(), poolSize: 4 }) });

  // The contract above runs on prepared statements (the default); this is the other path.
  it('writes an engine batch the same with and without prepared statements', async () => {
    const spec = pipelineSpecSchema.parse({ id: `prep_${randomUUID().slice(0, 8)}`, tasks: [{ id: 'a', kind: 'noop' }, { id: 'b', kind: 'noop' }] });
    const version = specVersion(spec);
    const written: Array<Awaited<ReturnType<typeof writeOneBatch>>> = [];
    for (const preparedStatements of [true, false]) {
      const store = createPostgresStore({ connectionString: url(), poolSize: 1, preparedStatements });
      try {
        expect((await store.migrate()).error).toBeUndefined();
        await store.savePipeline(spec, version);
        // Twice per store: a prepared statement's second use runs what the first prepared.
        for (let n = 0; n < 2; n++) written.push(await writeOneBatch(store, spec.id, version));
      } finally {
        await store.close();
      }
    }
    const [first, ...others] = written;
    for (const other of others) expect(other).toEqual(first);
  });

  it('is chosen by createStore for postgres:// and postgresql:// URLs', async () => {
    for (const databaseUrl of [url(), url().replace(/^postgres:/, 'postgresql:')]) {
      const store = createStore({ databaseUrl, home: '/nonexistent' });
      expect(store.dialect).toBe('postgres');
      expect((await store.migrate()).error).toBeUndefined();
      await store.close();
    }
  });
});

/** Writes one batch for a fresh run of the pipeline and reads back what it stored, ids left out. */
async function writeOneBatch(store: Store, pipelineId: string, version: string) {
  const at = '2026-03-01T00:00:00.000Z';
  const runId = randomUUID();
  const taskRun = (taskId: string, status: TaskRunRecord['status']): TaskRunRecord => ({
    runId, taskId, status, attempts: status === 'pending' ? 0 : 1, queuedAt: status === 'pending' ? null : at, startedAt: null, finishedAt: null,
    nextAttemptAt: null, error: null, errorCode: null, output: status === 'succeeded' ? { rows: 3 } : null, reusedFromRunId: null,
  });
  await store.createRun({
    run: { id: runId, pipelineId, pipelineVersion: version, status: 'running', params: { day: '2026-03-01' }, trigger: 'cli', parentRunId: null, createdAt: at, startedAt: at, finishedAt: null, error: null, cancelRequested: false, owner: null, leaseExpiresAt: null },
    taskRuns: [taskRun('a', 'pending'), taskRun('b', 'pending')],
  });
  expect(await store.claimRun(runId, 'engine-1', 60_000)).toBe(true);
  const batch: StoreBatch = {
    owner: 'engine-1',
    taskRuns: [taskRun('a', 'succeeded'), taskRun('b', 'queued')],
    attempts: [{ runId, taskId: 'a', attempt: 1, status: 'succeeded', startedAt: at, finishedAt: at, error: null, errorCode: null, errorDetail: null, worker: 'w1' }],
    logs: [{ runId, taskId: 'a', attempt: 1, ts: at, stream: 'stdout', level: 'info', message: 'done' }],
    events: ['succeeded', 'queued'].map((status) => ({ type: 'task.status', runId, pipelineId, taskId: 'a', ts: at, payload: { status } })),
  };
  const seqs = await store.applyBatch(batch);
  const strip = <T extends { runId: string }>(rows: T[]) => rows.map(({ runId: _runId, ...rest }) => rest);
  return {
    seqs: seqs.length,
    increasing: seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] as number)),
    taskRuns: strip(await store.getTaskRuns(runId)),
    attempts: strip(await store.getAttempts(runId)),
    logs: (await store.getLogs({ runId })).map((l) => l.message),
    events: (await store.listEvents({ runId })).map((e) => [e.type, e.payload]),
  };
}
