import { createSqliteStore } from '/work/main/src/store/sqlite/sqlite-store.ts';
import { createPostgresStore } from '/work/main/src/store/postgres/postgres-store.ts';
import type { Store, TaskRunRecord } from '/work/main/src/store/store.ts';
import pg from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function bench(store: Store, label: string) {
  const r = await store.migrate(); if (r.error) throw new Error(r.error);
  const spec: any = { id: 'p', description: '', tags: [], metadata: {}, params: {}, defaults: {}, pools: {}, schedules: [], tasks: [{ id: 'a', kind: 'noop' }] };
  await store.savePipeline(spec, 'v1');
  const now = new Date().toISOString();
  for (let round = 0; round < 3; round++) {
    const runId = `run-${label}-${round}-${Date.now()}`;
    const run = { id: runId, pipelineId: 'p', pipelineVersion: 'v1', status: 'running' as const, params: {}, trigger: 'cli', parentRunId: null, createdAt: now, startedAt: now, finishedAt: null, error: null, cancelRequested: false, owner: 'me', leaseExpiresAt: null };
    await store.createRun({ run, taskRuns: [] });
    const taskRuns: TaskRunRecord[] = Array.from({ length: 10_000 }, (_, i) => ({ runId, taskId: `t${i}`, status: 'succeeded', attempts: 1, queuedAt: now, startedAt: now, finishedAt: now, nextAttemptAt: null, error: null, errorCode: null, output: { rows: i }, reusedFromRunId: null }));
    const events = Array.from({ length: 40_000 }, (_, i) => ({ type: 'task.status', runId, pipelineId: 'p', taskId: `t${i % 10000}`, ts: now, payload: { status: 'running', i } }));
    let t = performance.now();
    const seqs = await store.applyBatch({ owner: 'me', runs: [run], taskRuns, events });
    const insertMs = performance.now() - t;
    t = performance.now();
    await store.applyBatch({ owner: 'me', taskRuns, events: events.slice(0, 10) });
    const updateMs = performance.now() - t;
    console.log(label, `round ${round}: insert 10k taskRuns + 40k events ${insertMs.toFixed(1)} ms (${seqs.length} seqs), upsert 10k existing ${updateMs.toFixed(1)} ms`);
  }
  await store.close();
}
const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
await bench(createSqliteStore({ path: join(dir, 'm.db') }), 'sqlite');
const admin = new pg.Client('postgres://postgres@127.0.0.1:5432/postgres'); await admin.connect();
const name = 'dd_bench_' + Math.random().toString(36).slice(2, 8);
await admin.query(`create database ${name}`);
try { await bench(createPostgresStore({ connectionString: `postgres://postgres@127.0.0.1:5432/${name}` }), 'postgres'); }
finally { await admin.query(`drop database ${name} with (force)`); await admin.end(); }
