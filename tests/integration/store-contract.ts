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
import type { DatasetVersionRecord, EventRecord, RunRecord, Store, TaskAttemptRecord, TaskLogRecord, TaskRunRecord } from '../../src/store/store.ts';

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

function makeVersion(dataset: string, overrides: Partial<DatasetVersionRecord> = {}): DatasetVersionRecord {
  return {
    id: uid('dv'),
    dataset,
    pipelineId: 'pipe_datasets',
    runId: uid('run'),
    taskId: 'load',
    status: 'staged',
    files: [`datasets/${dataset}/part-0.parquet`],
    view: null,
    rows: 10,
    bytes: 2048,
    schema: [{ name: 'id', type: 'BIGINT', nullable: false }, { name: 'name', type: 'VARCHAR' }],
    inputs: [],
    stats: {},
    createdAt: at(0),
    publishedAt: null,
    ...overrides,
  };
}

/** The version as published at `ms`. */
function published(version: DatasetVersionRecord, ms: number): DatasetVersionRecord {
  return { ...version, status: 'published', publishedAt: at(ms) };
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
      it('stores text holding NUL characters (a task may print them) instead of failing the batch', async () => {
        const run = await createdRun({ owner: 'e1' });
        const nul = 'before\u0000after';
        await store.applyBatch({
          owner: 'e1',
          taskRuns: [makeTaskRun(run.id, 'a', { status: 'failed', attempts: 1, error: nul, output: { line: nul } })],
          attempts: [makeAttempt(run.id, 'a', 1, { status: 'failed', error: nul, errorDetail: nul })],
          logs: [makeLog(run.id, 'a', 1, nul)],
          events: [makeEvent('task.failed', run.id, run.pipelineId, { error: nul })],
        });
        // Postgres cannot hold NUL in text or jsonb: it reads back as U+FFFD there.
        const same = (text: unknown) => expect(String(text).replace('\uFFFD', '\u0000')).toBe(nul);
        const [taskRun] = await store.getTaskRuns(run.id);
        same(taskRun?.error);
        same((taskRun?.output as { line: string }).line);
        const [attempt] = await store.getAttempts(run.id);
        same(attempt?.error);
        same(attempt?.errorDetail);
        same((await store.getLogs({ runId: run.id }))[0]?.message);
        same(((await store.listEvents({ runId: run.id }))[0]?.payload as { error: string }).error);
      });

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
        expect(await store.countLogs({ runId: run.id, taskId: 'a', attempt: 1 })).toBe(2);
        expect(await store.countLogs({ runId: run.id, taskId: 'b' })).toBe(0);
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

      it('gives the highest event seq, so a follower can start after it', async () => {
        const run = await createdRun({ owner: 'e1' });
        const seqs = await store.applyBatch({ owner: 'e1', events: [makeEvent('run.queued', run.id, run.pipelineId), makeEvent('run.started', run.id, run.pipelineId)] });
        const last = await store.lastEventSeq();
        expect(last).toBeGreaterThanOrEqual(seqs[1]!);
        expect(await store.listEvents({ runId: run.id, afterSeq: last })).toEqual([]);
      });
    });

    describe('datasets', () => {
      it('saves a staged version and reads it back field for field, without a dataset yet', async () => {
        const dataset = uid('ds');
        const version = makeVersion(dataset, {
          files: ['a/part-0.parquet', 'a/part-1.parquet'],
          // Past 2^32: the columns are bigints.
          rows: 5_000_000_000,
          bytes: 123_456_789_012,
          inputs: [{ dataset: 'raw_orders', versionId: 'dv_1' }],
          stats: { rejected: 2, source: { file: 's3://bucket/x.csv', line: 7 }, notes: ['late rows'] },
          createdAt: at(5),
        });
        await store.saveDatasetVersion(version);

        expect(await store.getDatasetVersion(version.id)).toEqual(version);
        expect(await store.getDatasetVersion(uid('missing'))).toBeUndefined();
        expect(await store.getDataset(dataset)).toBeUndefined();
      });

      it('saves a view version with its definition', async () => {
        const dataset = uid('ds');
        const view = {
          sql: 'SELECT a FROM __dd_view_input_dv_1__ WHERE a > 1',
          inputs: [{ token: '__dd_view_input_dv_1__', versionId: 'dv_1' }],
          files: [{ path: '/data/events.ndjson', size: 1234, mtimeMs: 1_700_000_000_123 }],
        };
        const version = makeVersion(dataset, { files: [], view, bytes: 0, stats: { materialize: 'view' } });
        await store.saveDatasetVersion(version);
        expect(await store.getDatasetVersion(version.id)).toEqual(version);
      });

      it('keeps one version when a retry saves the same id again', async () => {
        const dataset = uid('ds');
        const version = makeVersion(dataset);
        await store.saveDatasetVersion(version);
        const retried = { ...version, rows: 12, bytes: 4096, files: ['retry/part-0.parquet'], stats: { attempt: 2 } };
        await store.saveDatasetVersion(retried);

        expect(await store.listDatasetVersions({ dataset })).toEqual([retried]);
      });

      it("publishes a version: it becomes the dataset's latest with its rows and pipeline", async () => {
        const dataset = uid('ds');
        const first = makeVersion(dataset, { pipelineId: 'pipe_a', rows: 10, createdAt: at(0) });
        await store.saveDatasetVersion(first);
        await store.saveDatasetVersion(published(first, 100));

        expect(await store.getDatasetVersion(first.id)).toEqual({ ...first, status: 'published', publishedAt: at(100) });
        expect(await store.getDataset(dataset)).toEqual({ name: dataset, pipelineId: 'pipe_a', latestVersionId: first.id, rows: 10, updatedAt: at(100) });

        const second = makeVersion(dataset, { pipelineId: 'pipe_b', rows: 25, createdAt: at(200) });
        await store.saveDatasetVersion(published(second, 300));
        expect(await store.getDataset(dataset)).toEqual({ name: dataset, pipelineId: 'pipe_b', latestVersionId: second.id, rows: 25, updatedAt: at(300) });
        expect((await store.getDatasetVersion(first.id))!.status).toBe('published');
      });

      it('stamps a publish that names no time', async () => {
        const version = makeVersion(uid('ds'));
        await store.saveDatasetVersion({ ...version, status: 'published', publishedAt: null });

        const stored = await store.getDatasetVersion(version.id);
        expect(stored!.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect((await store.getDataset(version.dataset))!.updatedAt).toBe(stored!.publishedAt);
      });

      it('never makes a staged or rejected version latest', async () => {
        const dataset = uid('ds');
        const live = makeVersion(dataset, { rows: 10, createdAt: at(0) });
        await store.saveDatasetVersion(published(live, 10));
        await store.saveDatasetVersion(makeVersion(dataset, { status: 'staged', rows: 99, createdAt: at(20) }));
        await store.saveDatasetVersion(makeVersion(dataset, { status: 'rejected', rows: 98, createdAt: at(30) }));

        expect(await store.getDataset(dataset)).toMatchObject({ latestVersionId: live.id, rows: 10 });

        const neverPublished = uid('ds');
        await store.saveDatasetVersion(makeVersion(neverPublished, { status: 'rejected' }));
        expect(await store.getDataset(neverPublished)).toBeUndefined();
      });

      it('makes an older version latest when it is published last', async () => {
        const dataset = uid('ds');
        const older = makeVersion(dataset, { rows: 1, createdAt: at(0) });
        const newer = makeVersion(dataset, { rows: 2, createdAt: at(1000) });
        await store.saveDatasetVersion(older);
        await store.saveDatasetVersion(published(newer, 2000));
        await store.saveDatasetVersion(published(older, 3000));

        expect(await store.getDataset(dataset)).toMatchObject({ latestVersionId: older.id, rows: 1, updatedAt: at(3000) });
      });

      it('falls back to the version published before when the latest is saved again unpublished', async () => {
        const dataset = uid('ds');
        const first = makeVersion(dataset, { pipelineId: 'pipe_a', rows: 1, createdAt: at(0) });
        const second = makeVersion(dataset, { pipelineId: 'pipe_b', rows: 2, createdAt: at(100) });
        await store.saveDatasetVersion(published(first, 10));
        await store.saveDatasetVersion(published(second, 110));

        await store.saveDatasetVersion({ ...second, status: 'rejected', publishedAt: null });
        expect(await store.getDataset(dataset)).toMatchObject({ latestVersionId: first.id, rows: 1, pipelineId: 'pipe_a' });

        await store.saveDatasetVersion({ ...first, status: 'staged', publishedAt: null });
        expect(await store.getDataset(dataset)).toMatchObject({ latestVersionId: null, rows: 0 });
      });

      it('lists versions newest first by dataset, run, pipeline and status, with a limit', async () => {
        const dataset = uid('ds');
        const other = uid('ds');
        const runId = uid('run');
        const pipelineId = uid('pipe');
        const v = [
          makeVersion(dataset, { id: `${dataset}-v0`, runId, pipelineId, status: 'published', publishedAt: at(1), createdAt: at(0) }),
          makeVersion(dataset, { id: `${dataset}-v1`, runId, pipelineId, status: 'rejected', createdAt: at(1000) }),
          makeVersion(dataset, { id: `${dataset}-v2`, status: 'staged', createdAt: at(2000) }),
          // Two versions in one millisecond: the id orders them.
          makeVersion(dataset, { id: `${dataset}-v3`, pipelineId, status: 'staged', createdAt: at(2000) }),
          makeVersion(other, { id: `${other}-v0`, runId, pipelineId, status: 'staged', createdAt: at(1500) }),
        ];
        for (const version of v) await store.saveDatasetVersion(version);
        const ids = async (filter: Parameters<Store['listDatasetVersions']>[0]) => (await store.listDatasetVersions(filter)).map((x) => x.id);

        expect(await store.listDatasetVersions({ dataset })).toEqual([v[3], v[2], v[1], v[0]]);
        expect(await ids({ runId })).toEqual([v[4]!.id, v[1]!.id, v[0]!.id]);
        expect(await ids({ pipelineId })).toEqual([v[3]!.id, v[4]!.id, v[1]!.id, v[0]!.id]);
        expect(await ids({ dataset, status: ['staged', 'rejected'] })).toEqual([v[3]!.id, v[2]!.id, v[1]!.id]);
        expect(await ids({ dataset, status: ['published'] })).toEqual([v[0]!.id]);
        expect(await ids({ dataset, status: [] })).toHaveLength(4);
        expect(await ids({ runId, pipelineId, dataset })).toEqual([v[1]!.id, v[0]!.id]);
        expect(await ids({ dataset, limit: 2 })).toEqual([v[3]!.id, v[2]!.id]);
        expect(await ids({ dataset: uid('missing') })).toEqual([]);

        const everything = await store.listDatasetVersions();
        expect(everything.map((x) => x.id)).toEqual(expect.arrayContaining(v.map((x) => x.id)));
        for (let i = 1; i < everything.length; i++) expect(everything[i - 1]!.createdAt >= everything[i]!.createdAt).toBe(true);
      });

      it('lists datasets by name', async () => {
        const prefix = uid('ds');
        for (const [i, name] of ['c', 'a', 'b'].entries()) {
          await store.saveDatasetVersion(published(makeVersion(`${prefix}_${name}`, { rows: i }), i));
        }
        const mine = (await store.listDatasets()).filter((d) => d.name.startsWith(prefix));
        expect(mine.map((d) => d.name)).toEqual([`${prefix}_a`, `${prefix}_b`, `${prefix}_c`]);
        expect(mine.map((d) => d.rows)).toEqual([1, 2, 0]);
      });
    });

    describe('connector state', () => {
      it('gives undefined for a key never set', async () => {
        expect(await store.getConnectorState(uid('state'))).toBeUndefined();
      });

      it('round-trips JSON values', async () => {
        const values: unknown[] = [
          { cursor: { updatedAt: '2026-03-01T00:00:00.000Z', id: 42 }, tables: ['a', 'b'], done: false },
          1234.5,
          0,
          'plain string',
          '',
          true,
          null,
          [1, 'two', { three: 3 }],
        ];
        for (const value of values) {
          const key = uid('state');
          await store.setConnectorState(key, value);
          expect(await store.getConnectorState(key)).toEqual(value);
        }
        // Dates are stored as JSON stores them: ISO strings.
        const key = uid('state');
        await store.setConnectorState(key, { since: new Date(T0) });
        expect(await store.getConnectorState(key)).toEqual({ since: at(0) });
      });

      it('overwrites on set, and forgets a key set to undefined', async () => {
        const key = uid('state');
        await store.setConnectorState(key, { cursor: 1 });
        await store.setConnectorState(key, { cursor: 2, extra: 'x' });
        expect(await store.getConnectorState(key)).toEqual({ cursor: 2, extra: 'x' });

        await store.setConnectorState(key, 'now a string');
        expect(await store.getConnectorState(key)).toBe('now a string');

        await store.setConnectorState(key, undefined);
        expect(await store.getConnectorState(key)).toBeUndefined();
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
