/**
 * The contract every metadata store must pass, run once per dialect (store-sqlite.test.ts,
 * store-postgres.test.ts) and reusable by any other `Store` implementation.
 *
 * Tests share one database per suite, so each test works on pipelines and runs with ids of
 * its own and never assumes the tables are empty.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PlatformError } from '../../src/core/errors.ts';
import { pipelineSpecSchema, type PipelineSpec, type PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { specVersion } from '../../src/core/spec/spec-version.ts';
import { RUN_STATUSES, type RunStatus, type TaskStatus } from '../../src/core/statuses.ts';
import type { EventRecord, RunRecord, Store, TaskAttemptRecord, TaskLogRecord, TaskRunRecord } from '../../src/store/store.ts';

export interface StoreContractOptions {
  /**
   * Opens a store on the suite's database. Called once for the suite and again where a test
   * needs a second process-like connection to the same database, so each call must connect to
   * the same database (not create a fresh one).
   */
  create: () => Promise<Store>;
  /** Closes a store made by `create` (default: `store.close()`). */
  destroy?: (store: Store) => Promise<void>;
}

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
/** An ISO time `ms` after a fixed origin. */
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const uid = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;

function makeSpec(id: string, input: Partial<PipelineSpecInput> = {}): PipelineSpec {
  return pipelineSpecSchema.parse({ id, tasks: [{ id: 'a', kind: 'noop' }], ...input });
}

function makeRun(pipelineId: string, version: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: uid('run'),
    pipelineId,
    pipelineVersion: version,
    status: 'queued',
    params: {},
    trigger: 'cli',
    parentRunId: null,
    createdAt: at(0),
    startedAt: null,
    finishedAt: null,
    error: null,
    cancelRequested: false,
    owner: null,
    leaseExpiresAt: null,
    ...overrides,
  };
}

function makeTaskRun(runId: string, taskId: string, overrides: Partial<TaskRunRecord> = {}): TaskRunRecord {
  return {
    runId,
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
    ...overrides,
  };
}

function makeAttempt(runId: string, taskId: string, attempt: number, overrides: Partial<TaskAttemptRecord> = {}): TaskAttemptRecord {
  return {
    runId,
    taskId,
    attempt,
    status: 'running',
    startedAt: at(0),
    finishedAt: null,
    error: null,
    errorCode: null,
    errorDetail: null,
    worker: 'host:1',
    ...overrides,
  };
}

function makeLog(runId: string, taskId: string, attempt: number, message: string): Omit<TaskLogRecord, 'id'> {
  return { runId, taskId, attempt, ts: at(1), stream: 'stdout', level: 'info', message };
}

function makeEvent(type: string, runId: string | null, pipelineId: string | null, payload: Record<string, unknown> = {}): Omit<EventRecord, 'seq'> {
  return { type, runId, pipelineId, taskId: null, ts: at(2), payload };
}

function expectIncreasing(values: number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ${code} error`).toBeInstanceOf(PlatformError);
  expect((error as PlatformError).code).toBe(code);
  return error as PlatformError;
}

/** Registers the Store contract suite under `name`. */
export function runStoreContract(name: string, options: StoreContractOptions): void {
  const destroy = options.destroy ?? ((s: Store) => s.close());

  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await options.create();
      const report = await store.migrate();
      expect(report.error).toBeUndefined();
    });

    afterAll(async () => {
      if (store) await destroy(store);
    });

    /** A registered pipeline of its own for one test. */
    async function pipeline(input: Partial<PipelineSpecInput> = {}): Promise<{ id: string; version: string }> {
      const spec = makeSpec(uid('pipe'), input);
      const version = specVersion(spec);
      await store.savePipeline(spec, version);
      return { id: spec.id, version };
    }

    /** A run (with task runs `a`, `b`) of a fresh pipeline. */
    async function createdRun(overrides: Partial<RunRecord> = {}, taskIds = ['a', 'b']): Promise<RunRecord> {
      const p = await pipeline();
      const run = makeRun(p.id, p.version, overrides);
      await store.createRun({ run, taskRuns: taskIds.map((t) => makeTaskRun(run.id, t)) });
      return run;
    }

    describe('migrations', () => {
      it('applies nothing the second time and names its dialect', async () => {
        expect(await store.migrate()).toEqual({ applied: [] });
        expect(['sqlite', 'postgres']).toContain(store.dialect);
      });
    });

    describe('pipelines', () => {
      it('registers a new pipeline with its first version', async () => {
        const spec = makeSpec(uid('pipe'), { name: 'Daily sales', description: 'loads sales', tags: ['sales', 'daily'] });
        const version = specVersion(spec);
        const result = await store.savePipeline(spec, version, { sourcePath: 'pipelines/sales.yaml' });

        expect(result.newVersion).toBe(true);
        expect(result.pipeline).toMatchObject({
          id: spec.id,
          name: 'Daily sales',
          description: 'loads sales',
          tags: ['sales', 'daily'],
          currentVersion: version,
          sourcePath: 'pipelines/sales.yaml',
          archived: false,
        });
        expect(result.pipeline.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(result.version).toEqual({ pipelineId: spec.id, version, spec: JSON.parse(JSON.stringify(spec)), createdAt: expect.any(String) });
        expect(await store.getPipeline(spec.id)).toEqual(result.pipeline);
        expect(await store.getPipelineVersion(spec.id, version)).toEqual(result.version);
      });

      it('keeps one version when the same content is saved twice', async () => {
        const spec = makeSpec(uid('pipe'));
        const first = await store.savePipeline(spec, specVersion(spec));
        const again = await store.savePipeline(makeSpec(spec.id), specVersion(makeSpec(spec.id)));

        expect(again.newVersion).toBe(false);
        expect(again.version.version).toBe(first.version.version);
        expect(await store.listPipelineVersions(spec.id)).toHaveLength(1);
      });

      it('adds a version when the content changes and lists versions newest first', async () => {
        const id = uid('pipe');
        const specs = [makeSpec(id), makeSpec(id, { description: 'two' }), makeSpec(id, { description: 'three' })];
        for (const spec of specs) expect((await store.savePipeline(spec, specVersion(spec))).newVersion).toBe(true);

        const versions = await store.listPipelineVersions(id);
        expect(versions.map((v) => v.version)).toEqual(specs.map(specVersion).reverse());
        expect(versions[0]!.spec.description).toBe('three');
        expect((await store.getPipeline(id))!.currentVersion).toBe(specVersion(specs[2]!));
        expect((await store.getPipeline(id))!.description).toBe('three');
      });

      it('keeps the source path when a save does not give one', async () => {
        const spec = makeSpec(uid('pipe'));
        await store.savePipeline(spec, specVersion(spec), { sourcePath: 'pipelines/a.ts' });
        expect((await store.savePipeline(spec, specVersion(spec))).pipeline.sourcePath).toBe('pipelines/a.ts');
        expect((await store.savePipeline(spec, specVersion(spec), { sourcePath: null })).pipeline.sourcePath).toBeNull();
      });

      it('returns undefined for unknown pipelines and versions', async () => {
        const p = await pipeline();
        expect(await store.getPipeline(uid('missing'))).toBeUndefined();
        expect(await store.getPipelineVersion(p.id, 'nope')).toBeUndefined();
        expect(await store.listPipelineVersions(uid('missing'))).toEqual([]);
      });

      it('hides archived pipelines unless asked and un-archives on save', async () => {
        const spec = makeSpec(uid('pipe'));
        await store.savePipeline(spec, specVersion(spec));
        await store.archivePipeline(spec.id);

        expect((await store.getPipeline(spec.id))!.archived).toBe(true);
        expect((await store.listPipelines()).map((p) => p.id)).not.toContain(spec.id);
        expect((await store.listPipelines({ includeArchived: true })).find((p) => p.id === spec.id)?.archived).toBe(true);

        const saved = await store.savePipeline(spec, specVersion(spec));
        expect(saved.pipeline.archived).toBe(false);
        expect((await store.listPipelines()).map((p) => p.id)).toContain(spec.id);
      });

      it('refuses to archive an unknown pipeline', async () => {
        await expect(store.archivePipeline(uid('missing'))).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('runs', () => {
      it('creates a run with its task runs and reads them back field for field', async () => {
        const p = await pipeline();
        const run = makeRun(p.id, p.version, {
          status: 'running',
          params: { day: '2026-03-01', limit: 10, nested: { on: true, list: [1, 'x'] } },
          trigger: 'schedule',
          parentRunId: 'earlier-run',
          createdAt: at(123),
          startedAt: at(456),
          owner: 'engine-1',
          leaseExpiresAt: at(30_000),
        });
        const taskRuns = [
          makeTaskRun(run.id, 'extract', { status: 'succeeded', attempts: 2, queuedAt: at(1), startedAt: at(2), finishedAt: at(3), output: { rows: 42, files: ['a.parquet'] } }),
          makeTaskRun(run.id, 'load', { status: 'up_for_retry', attempts: 1, nextAttemptAt: at(9), error: 'boom', errorCode: 'TASK_FAILED', reusedFromRunId: 'old-run' }),
        ];
        await store.createRun({ run, taskRuns });

        expect(await store.getRun(run.id)).toEqual(run);
        expect(await store.getTaskRuns(run.id)).toEqual(taskRuns);
        expect(await store.getRun(uid('missing'))).toBeUndefined();
        expect(await store.getTaskRuns(uid('missing'))).toEqual([]);
      });

      it('refuses a second run with the same id, and a run of an unregistered pipeline', async () => {
        const run = await createdRun();
        await expectCode(store.createRun({ run, taskRuns: [] }), 'CONFLICT');
        await expectCode(store.createRun({ run: makeRun(uid('missing'), 'v1'), taskRuns: [] }), 'NOT_FOUND');
      });

      it('lists runs newest first with filters and cursor pages', async () => {
        const p = await pipeline();
        const statuses: RunStatus[] = ['succeeded', 'failed', 'running', 'queued', 'succeeded', 'cancelled'];
        const runs = statuses.map((status, i) => makeRun(p.id, p.version, { id: `${p.id}-r${i}`, status, createdAt: at(i * 1000) }));
        // Two runs in one millisecond: the id orders them.
        runs.push(makeRun(p.id, p.version, { id: `${p.id}-r9`, status: 'succeeded', createdAt: at(5000) }));
        for (const run of runs) await store.createRun({ run, taskRuns: [] });
        const other = await createdRun({ createdAt: at(2500) });

        const all = await store.listRuns({ pipelineId: p.id });
        const newestFirst = ['r9', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0'].map((r) => `${p.id}-${r}`);
        expect(all.map((r) => r.id)).toEqual(newestFirst);
        expect(all.map((r) => r.id)).not.toContain(other.id);

        const finished = await store.listRuns({ pipelineId: p.id, status: ['failed', 'cancelled'] });
        expect(finished.map((r) => r.id)).toEqual([`${p.id}-r5`, `${p.id}-r1`]);

        // createdAfter is inclusive, createdBefore exclusive.
        const window = await store.listRuns({ pipelineId: p.id, createdAfter: at(1000), createdBefore: at(4000) });
        expect(window.map((r) => r.id)).toEqual([`${p.id}-r3`, `${p.id}-r2`, `${p.id}-r1`]);

        expect((await store.listRuns({ pipelineId: p.id, limit: 2 })).map((r) => r.id)).toEqual(newestFirst.slice(0, 2));

        const paged: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 10; page++) {
          const rows = await store.listRuns({ pipelineId: p.id, limit: 2, ...(cursor ? { beforeRunId: cursor } : {}) });
          if (rows.length === 0) break;
          paged.push(...rows.map((r) => r.id));
          cursor = rows.at(-1)!.id;
        }
        expect(paged).toEqual(newestFirst);

        const global = await store.listRuns({ createdAfter: at(0), createdBefore: at(6000) });
        expect(global.map((r) => r.id)).toContain(other.id);
        for (let i = 1; i < global.length; i++) expect(global[i - 1]!.createdAt >= global[i]!.createdAt).toBe(true);
      });

      it('refuses an unknown cursor', async () => {
        await expect(store.listRuns({ beforeRunId: uid('missing') })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('lists active runs: queued and running only', async () => {
        const queued = await createdRun({ status: 'queued' });
        const running = await createdRun({ status: 'running' });
        const done = await createdRun({ status: 'succeeded' });
        const failed = await createdRun({ status: 'failed' });

        const active = (await store.listActiveRuns()).map((r) => r.id);
        expect(active).toEqual(expect.arrayContaining([queued.id, running.id]));
        expect(active).not.toContain(done.id);
        expect(active).not.toContain(failed.id);
      });

      it('reads attempts of a run or of one task, in attempt order', async () => {
        const run = await createdRun({ status: 'running', owner: 'e1' });
        const attempts = [
          makeAttempt(run.id, 'b', 1, { status: 'succeeded', finishedAt: at(5) }),
          makeAttempt(run.id, 'a', 2, { status: 'running' }),
          makeAttempt(run.id, 'a', 1, { status: 'failed', finishedAt: at(3), error: 'no', errorCode: 'TASK_FAILED', errorDetail: 'stack' }),
        ];
        await store.applyBatch({ owner: 'e1', attempts });

        expect(await store.getAttempts(run.id)).toEqual([attempts[2], attempts[1], attempts[0]]);
        expect(await store.getAttempts(run.id, 'a')).toEqual([attempts[2], attempts[1]]);
        expect(await store.getAttempts(run.id, 'zzz')).toEqual([]);
      });
    });

    describe('applyBatch', () => {
      it('upserts runs, task runs and attempts and appends logs and events', async () => {
        const run = await createdRun({ owner: 'e1' });
        const started = { ...run, status: 'running' as const, startedAt: at(10) };
        const taskRuns = [
          makeTaskRun(run.id, 'a', { status: 'running', attempts: 1, startedAt: at(10) }),
          makeTaskRun(run.id, 'b', { status: 'queued', queuedAt: at(10) }),
          makeTaskRun(run.id, 'c', { status: 'pending' }),
        ];
        const seqs = await store.applyBatch({
          owner: 'e1',
          runs: [started],
          taskRuns,
          attempts: [makeAttempt(run.id, 'a', 1)],
          logs: [makeLog(run.id, 'a', 1, 'hello'), makeLog(run.id, 'a', 1, 'world')],
          events: [makeEvent('run.started', run.id, run.pipelineId), makeEvent('task.started', run.id, run.pipelineId, { taskId: 'a' })],
        });

        expect(seqs).toHaveLength(2);
        expectIncreasing(seqs);
        expect(await store.getRun(run.id)).toEqual(started);
        expect(await store.getTaskRuns(run.id)).toEqual(taskRuns);
        expect((await store.getLogs({ runId: run.id })).map((l) => l.message)).toEqual(['hello', 'world']);
        const events = await store.listEvents({ runId: run.id });
        expect(events.map((e) => e.seq)).toEqual(seqs);
        expect(events[1]).toEqual({ ...makeEvent('task.started', run.id, run.pipelineId, { taskId: 'a' }), seq: seqs[1] });

        const finishedA = makeTaskRun(run.id, 'a', { status: 'succeeded', attempts: 1, startedAt: at(10), finishedAt: at(20), output: { rows: 3 } });
        const later = await store.applyBatch({
          owner: 'e1',
          taskRuns: [finishedA],
          attempts: [makeAttempt(run.id, 'a', 1, { status: 'succeeded', finishedAt: at(20) })],
          events: [makeEvent('task.succeeded', run.id, run.pipelineId)],
        });
        expect(later[0]!).toBeGreaterThan(seqs[1]!);
        expect(await store.getTaskRuns(run.id)).toEqual([finishedA, taskRuns[1], taskRuns[2]]);
        expect((await store.getAttempts(run.id, 'a'))[0]!.status).toBe('succeeded');
      });

      it('returns no seqs for an empty batch', async () => {
        expect(await store.applyBatch({})).toEqual([]);
        expect(await store.applyBatch({ owner: 'e1', runs: [], events: [] })).toEqual([]);
      });

      it('keeps the last state when one key appears twice in a batch', async () => {
        const run = await createdRun({ owner: 'e1' });
        await store.applyBatch({
          owner: 'e1',
          taskRuns: [makeTaskRun(run.id, 'a', { status: 'queued' }), makeTaskRun(run.id, 'a', { status: 'running' })],
          attempts: [makeAttempt(run.id, 'a', 1), makeAttempt(run.id, 'a', 1, { status: 'failed', finishedAt: at(1) })],
        });
        expect((await store.getTaskRuns(run.id)).find((t) => t.taskId === 'a')!.status).toBe('running');
        expect((await store.getAttempts(run.id, 'a')).map((a) => a.status)).toEqual(['failed']);
      });

      it('writes nothing and fails with CONFLICT when a touched run is owned by another engine', async () => {
        const mine = await createdRun({ status: 'running', owner: 'e1', leaseExpiresAt: at(60_000) });
        const theirs = await createdRun({ status: 'running', owner: 'e2', leaseExpiresAt: at(60_000) });

        const error = await expectCode(
          store.applyBatch({
            owner: 'e1',
            runs: [{ ...mine, status: 'succeeded' }],
            taskRuns: [makeTaskRun(mine.id, 'a', { status: 'succeeded' }), makeTaskRun(theirs.id, 'a', { status: 'failed' })],
            attempts: [makeAttempt(mine.id, 'a', 1)],
            logs: [makeLog(mine.id, 'a', 1, 'never')],
            events: [makeEvent('run.succeeded', mine.id, mine.pipelineId)],
          }),
          'CONFLICT',
        );
        expect(error.message).toContain(theirs.id);

        expect((await store.getRun(mine.id))!.status).toBe('running');
        expect((await store.getTaskRuns(mine.id)).map((t) => t.status)).toEqual(['pending', 'pending']);
        expect((await store.getTaskRuns(theirs.id)).map((t) => t.status)).toEqual(['pending', 'pending']);
        expect(await store.getAttempts(mine.id)).toEqual([]);
        expect(await store.getLogs({ runId: mine.id })).toEqual([]);
        expect(await store.listEvents({ runId: mine.id })).toEqual([]);
      });

      it('treats a run nobody owns as not owned by the writer, and lets a batch create a run', async () => {
        const unowned = await createdRun({ owner: null });
        await expectCode(store.applyBatch({ owner: 'e1', logs: [makeLog(unowned.id, 'a', 1, 'x')] }), 'CONFLICT');
        // Without `owner` the batch is not checked.
        await store.applyBatch({ logs: [makeLog(unowned.id, 'a', 1, 'x')] });

        const p = await pipeline();
        const fresh = makeRun(p.id, p.version, { owner: 'e1', leaseExpiresAt: at(1000) });
        await store.applyBatch({ owner: 'e1', runs: [fresh], taskRuns: [makeTaskRun(fresh.id, 'a')] });
        expect(await store.getRun(fresh.id)).toEqual(fresh);
      });

      it('leaves the lease to claimRun: an upsert neither moves nor steals it, but owner null releases it', async () => {
        const run = await createdRun({ status: 'running', owner: 'e1', leaseExpiresAt: at(1000) });
        expect(await store.claimRun(run.id, 'e1', 60_000, new Date(T0))).toBe(true);

        await store.applyBatch({ owner: 'e1', runs: [{ ...run, owner: 'someone-else', leaseExpiresAt: at(1) }] });
        expect(await store.getRun(run.id)).toMatchObject({ owner: 'e1', leaseExpiresAt: at(60_000) });

        await store.applyBatch({ owner: 'e1', runs: [{ ...run, status: 'succeeded', finishedAt: at(5), owner: null, leaseExpiresAt: null }] });
        expect(await store.getRun(run.id)).toMatchObject({ status: 'succeeded', owner: null, leaseExpiresAt: null });
      });

      it('writes 10,000 task runs, attempts, logs and events in one call', async () => {
        const run = await createdRun({ status: 'running', owner: 'big' }, []);
        const n = 10_000;
        const taskRuns = Array.from({ length: n }, (_, i) => makeTaskRun(run.id, `t${i}`, { status: 'queued', queuedAt: at(i), output: { i } }));
        const seqs = await store.applyBatch({
          owner: 'big',
          taskRuns,
          attempts: taskRuns.map((t) => makeAttempt(run.id, t.taskId, 1)),
          logs: taskRuns.map((t) => makeLog(run.id, t.taskId, 1, `log of ${t.taskId}`)),
          events: taskRuns.map((t) => ({ ...makeEvent('task.queued', run.id, run.pipelineId, { task: t.taskId }), taskId: t.taskId })),
        });

        expect(seqs).toHaveLength(n);
        expectIncreasing(seqs);
        const events = await store.listEvents({ runId: run.id });
        expect(events.map((e) => e.seq)).toEqual(seqs);
        expect(events.map((e) => e.taskId)).toEqual(taskRuns.map((t) => t.taskId));
        expect(await store.getTaskRuns(run.id)).toHaveLength(n);
        expect(await store.getAttempts(run.id)).toHaveLength(n);
        const logs = await store.getLogs({ runId: run.id });
        expect(logs.map((l) => l.message)).toEqual(taskRuns.map((t) => `log of ${t.taskId}`));

        // And again as updates of existing rows.
        await store.applyBatch({ owner: 'big', taskRuns: taskRuns.map((t) => ({ ...t, status: 'succeeded' as TaskStatus, finishedAt: at(99) })) });
        const statuses = new Set((await store.getTaskRuns(run.id)).map((t) => t.status));
        expect([...statuses]).toEqual(['succeeded']);
      }, 60_000);
    });

    describe('leases', () => {
      it('claims a free run, refuses a live lease of another engine, renews its own and takes an expired one', async () => {
        const run = await createdRun();
        const t = (ms: number) => new Date(T0 + ms);

        expect(await store.claimRun(run.id, 'e1', 1000, t(0))).toBe(true);
        expect(await store.getRun(run.id)).toMatchObject({ owner: 'e1', leaseExpiresAt: at(1000) });

        expect(await store.claimRun(run.id, 'e2', 1000, t(500))).toBe(false);
        expect((await store.getRun(run.id))!.owner).toBe('e1');

        expect(await store.claimRun(run.id, 'e1', 1000, t(500))).toBe(true);
        expect((await store.getRun(run.id))!.leaseExpiresAt).toBe(at(1500));

        expect(await store.claimRun(run.id, 'e2', 1000, t(1499))).toBe(false);
        expect(await store.claimRun(run.id, 'e2', 1000, t(1501))).toBe(true);
        expect(await store.getRun(run.id)).toMatchObject({ owner: 'e2', leaseExpiresAt: at(2501) });

        expect(await store.claimRun(uid('missing'), 'e1', 1000, t(0))).toBe(false);
      });

      it('lets exactly one of two concurrent claims win', async () => {
        const peer = await options.create();
        try {
          const runs = await Promise.all(Array.from({ length: 10 }, () => createdRun()));
          for (const run of runs) {
            const [a, b, c] = await Promise.all([
              store.claimRun(run.id, 'e1', 60_000),
              peer.claimRun(run.id, 'e2', 60_000),
              peer.claimRun(run.id, 'e3', 60_000),
            ]);
            expect([a, b, c].filter(Boolean)).toHaveLength(1);
            const winner = a ? 'e1' : b ? 'e2' : 'e3';
            expect((await store.getRun(run.id))!.owner).toBe(winner);
          }
        } finally {
          await destroy(peer);
        }
      });

      it('releases a lease only for its owner', async () => {
        const run = await createdRun();
        await store.claimRun(run.id, 'e1', 60_000);

        await store.releaseRun(run.id, 'e2');
        expect((await store.getRun(run.id))!.owner).toBe('e1');

        await store.releaseRun(run.id, 'e1');
        expect(await store.getRun(run.id)).toMatchObject({ owner: null, leaseExpiresAt: null });
        expect(await store.claimRun(run.id, 'e3', 60_000)).toBe(true);
      });
    });

    describe('cancel requests', () => {
      it('marks an active run and keeps the mark when the engine upserts the run', async () => {
        const run = await createdRun({ status: 'running', owner: 'e1' });
        expect(await store.requestCancel(run.id)).toBe(true);
        expect((await store.getRun(run.id))!.cancelRequested).toBe(true);

        // The engine's copy still says false: it must not clear the request.
        await store.applyBatch({ owner: 'e1', runs: [{ ...run, status: 'running', cancelRequested: false, startedAt: at(1) }] });
        expect(await store.getRun(run.id)).toMatchObject({ cancelRequested: true, startedAt: at(1) });

        const queued = await createdRun({ status: 'queued' });
        expect(await store.requestCancel(queued.id)).toBe(true);
      });

      it('refuses finished runs and reports unknown ones', async () => {
        for (const status of ['succeeded', 'failed', 'cancelled'] as const) {
          const run = await createdRun({ status });
          expect(await store.requestCancel(run.id)).toBe(false);
          expect((await store.getRun(run.id))!.cancelRequested).toBe(false);
        }
        await expect(store.requestCancel(uid('missing'))).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('logs and events', () => {
      it('pages logs by task, attempt and id, in id order', async () => {
        const run = await createdRun({ owner: 'e1' });
        await store.applyBatch({ owner: 'e1', logs: [makeLog(run.id, 'a', 1, 'a1-1'), makeLog(run.id, 'b', 1, 'b1-1'), makeLog(run.id, 'a', 1, 'a1-2')] });
        await store.applyBatch({ owner: 'e1', logs: [makeLog(run.id, 'a', 2, 'a2-1'), makeLog(run.id, 'b', 1, 'b1-2'), makeLog(run.id, 'a', 2, 'a2-2')] });

        const all = await store.getLogs({ runId: run.id });
        expect(all.map((l) => l.message)).toEqual(['a1-1', 'b1-1', 'a1-2', 'a2-1', 'b1-2', 'a2-2']);
        expectIncreasing(all.map((l) => l.id));
        expect(all[0]).toEqual({ id: all[0]!.id, ...makeLog(run.id, 'a', 1, 'a1-1') });

        const messages = async (filter: Parameters<Store['getLogs']>[0]) => (await store.getLogs(filter)).map((l) => l.message);
        expect(await messages({ runId: run.id, taskId: 'a' })).toEqual(['a1-1', 'a1-2', 'a2-1', 'a2-2']);
        expect(await messages({ runId: run.id, taskId: 'a', attempt: 2 })).toEqual(['a2-1', 'a2-2']);
        expect(await messages({ runId: run.id, afterId: all[2]!.id })).toEqual(['a2-1', 'b1-2', 'a2-2']);
        expect(await messages({ runId: run.id, taskId: 'b', limit: 1 })).toEqual(['b1-1']);
        expect(await messages({ runId: uid('missing') })).toEqual([]);
      });

      it('lists events by seq with afterSeq, run, pipeline and limit filters', async () => {
        const run = await createdRun({ owner: 'e1' });
        const other = await createdRun({ owner: 'e1' });
        const seqs = await store.applyBatch({
          owner: 'e1',
          events: [
            makeEvent('pipeline.registered', null, run.pipelineId),
            makeEvent('run.queued', run.id, run.pipelineId),
            makeEvent('run.queued', other.id, other.pipelineId),
            makeEvent('run.started', run.id, run.pipelineId, { n: 1 }),
          ],
        });
        expectIncreasing(seqs);

        const since = await store.listEvents({ afterSeq: seqs[0]! - 1 });
        expect(since.slice(0, 4).map((e) => e.seq)).toEqual(seqs);
        expectIncreasing(since.map((e) => e.seq));
        expect(since[0]).toEqual({ seq: seqs[0], ...makeEvent('pipeline.registered', null, run.pipelineId) });

        expect((await store.listEvents({ runId: run.id })).map((e) => e.type)).toEqual(['run.queued', 'run.started']);
        expect((await store.listEvents({ pipelineId: run.pipelineId })).map((e) => e.seq)).toEqual([seqs[0], seqs[1], seqs[3]]);
        expect((await store.listEvents({ runId: run.id, afterSeq: seqs[1] })).map((e) => e.seq)).toEqual([seqs[3]]);
        expect((await store.listEvents({ afterSeq: seqs[0]! - 1, limit: 2 })).map((e) => e.seq)).toEqual(seqs.slice(0, 2));
      });
    });

    describe('statistics', () => {
      it('counts runs by status with every status present', async () => {
        const p = await pipeline();
        for (const status of ['queued', 'queued', 'running', 'succeeded'] as const) {
          await store.createRun({ run: makeRun(p.id, p.version, { status }), taskRuns: [] });
        }
        expect(await store.countRunsByStatus(p.id)).toEqual({ queued: 2, running: 1, succeeded: 1, failed: 0, cancelled: 0 });
        expect(await store.countRunsByStatus(uid('missing'))).toEqual({ queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 });

        const everything = await store.countRunsByStatus();
        expect(Object.keys(everything).sort()).toEqual([...RUN_STATUSES].sort());
        expect(everything.queued).toBeGreaterThanOrEqual(2);
      });

      it('gives task durations from finished attempts', async () => {
        const run = await createdRun({ owner: 'e1' });
        const again = makeRun(run.pipelineId, run.pipelineVersion, { owner: 'e1' });
        await store.createRun({ run: again, taskRuns: [makeTaskRun(again.id, 'a')] });
        await store.applyBatch({
          owner: 'e1',
          attempts: [
            makeAttempt(run.id, 'a', 1, { startedAt: at(0), finishedAt: at(1000), status: 'failed' }),
            makeAttempt(run.id, 'a', 2, { startedAt: at(2000), finishedAt: at(5500), status: 'succeeded' }),
            makeAttempt(again.id, 'a', 1, { startedAt: at(0), finishedAt: at(1750), status: 'succeeded' }),
            makeAttempt(run.id, 'b', 1, { startedAt: at(0), finishedAt: at(250), status: 'succeeded' }),
            // Still running: not counted.
            makeAttempt(again.id, 'a', 2, { startedAt: at(0), finishedAt: null, status: 'running' }),
          ],
        });

        const stats = await store.taskDurationStats(run.pipelineId);
        expect(stats).toHaveLength(2);
        expect(stats[0]).toMatchObject({ pipelineId: run.pipelineId, taskId: 'a', count: 3, maxMs: 3500 });
        expect(stats[0]!.avgMs).toBeCloseTo((1000 + 3500 + 1750) / 3, 3);
        expect(stats[1]).toEqual({ pipelineId: run.pipelineId, taskId: 'b', count: 1, avgMs: 250, maxMs: 250 });

        const everything = await store.taskDurationStats();
        expect(everything.filter((s) => s.pipelineId === run.pipelineId)).toEqual(stats);
      });
    });
  });
}
