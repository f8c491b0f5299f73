import { createSqliteStore } from '/work/main/src/store/sqlite/sqlite-store.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const store = createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'bs-')), 'm.db') });
await store.migrate();
const spec: any = { id: 'p', description: '', tags: [], metadata: {}, params: {}, defaults: {}, pools: {}, schedules: [], tasks: [] };
await store.savePipeline(spec, 'v1');
const now = new Date().toISOString();
const runId = 'r1';
const run = { id: runId, pipelineId: 'p', pipelineVersion: 'v1', status: 'running' as const, params: {}, trigger: 'cli', parentRunId: null, createdAt: now, startedAt: now, finishedAt: null, error: null, cancelRequested: false, owner: 'me', leaseExpiresAt: null };
await store.createRun({ run, taskRuns: [] });
const tr = (i: number) => ({ runId, taskId: `t${i}`, status: 'running' as const, attempts: 1, queuedAt: now, startedAt: now, finishedAt: null, nextAttemptAt: null, error: null, errorCode: null, output: null, reusedFromRunId: null });
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  for (let i = 0; i < 2000; i++) {
    await store.applyBatch({ owner: 'me', runs: [run], taskRuns: [tr(i), tr(i + 1)], attempts: [{ runId, taskId: `t${i}`, attempt: 1, status: 'running', startedAt: now, finishedAt: null, error: null, errorCode: null, errorDetail: null, worker: 'w' }], events: [1, 2, 3].map((j) => ({ type: 'x', runId, pipelineId: 'p', taskId: `t${i}`, ts: now, payload: { j } })), logs: [{ runId, taskId: `t${i}`, attempt: 1, ts: now, stream: 'log' as const, level: 'info' as const, message: 'hello' }] });
  }
  console.log('small batch avg ms', ((performance.now() - t) / 2000).toFixed(3));
}
await store.close();
