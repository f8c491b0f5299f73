import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { defineTaskKind } from '../../src/runtime/task-kind.ts';
import { createTestPlatform, runSpec, type TestPlatform } from '../helpers/platform.ts';

let t: TestPlatform;
let work: string;

beforeAll(async () => {
  t = await createTestPlatform();
  work = await mkdtemp(path.join(os.tmpdir(), 'dd-data-'));
});
afterAll(async () => {
  await t.dispose();
  await rm(work, { recursive: true, force: true });
});

const run = (spec: PipelineSpecInput, params: Record<string, unknown> = {}) => runSpec(t.platform, work, spec, params);

describe('data pipelines', () => {
  it('generates events, flattens and aggregates them, and exports Parquet and CSV', async () => {
    const { run: result, tasks } = await run({
      id: 'events_demo',
      tasks: [
        { id: 'generate', kind: 'source', outputs: ['raw_events'], config: { connector: { type: 'generator', seed: 7, count: 5000 } } },
        {
          id: 'flatten',
          kind: 'transform',
          inputs: ['raw_events'],
          outputs: ['events'],
          config: { steps: [{ flatten: { separator: '_' } }, { derive: { day: 'CAST(timestamp AS DATE)' } }] },
        },
        {
          id: 'daily',
          kind: 'transform',
          inputs: ['events'],
          outputs: ['daily_by_type'],
          config: { steps: [{ aggregate: { group_by: ['event_type'], metrics: { events: 'count', users: { count_distinct: 'user_id' } } } }, { sort: ['event_type'] }] },
        },
        { id: 'export_parquet', kind: 'sink', inputs: ['daily_by_type'], config: { connector: { type: 'file', path: 'out/daily.parquet' }, mode: 'overwrite' } },
        { id: 'export_csv', kind: 'sink', inputs: ['events'], config: { connector: { type: 'file', path: 'out/events_by_type', format: 'csv', partition_by: ['event_type'] }, mode: 'overwrite' } },
      ],
    });
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect(tasks.generate?.output).toMatchObject({ rows_out: 5000, rejects: 0 });
    // The generator's Parquet part became the dataset's file as it was (not written again).
    const raw = await t.platform.datasets.get('raw_events');
    expect(raw.versions[0]?.files).toEqual([expect.stringMatching(/\/generate-part-00000\.parquet$/)]);
    expect(tasks.flatten?.output).toMatchObject({ rows_in: 5000, rows_out: 5000 });
    const preview = await t.platform.datasets.preview('daily_by_type', { limit: 100 });
    expect(preview.rows.reduce((sum, r) => sum + Number(r.events), 0)).toBe(5000);
    expect(preview.columns.map((c) => c.name)).toEqual(['event_type', 'events', 'users']);
    const events = await t.platform.datasets.preview('events', { limit: 1 });
    expect(events.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['user_id', 'user_geo_lat', 'session_duration_s', 'day']));
    expect((await readdir(path.join(work, 'out', 'events_by_type'))).some((d) => d.startsWith('event_type='))).toBe(true);
    const detail = await t.platform.datasets.get('events');
    expect(detail.versions[0]).toMatchObject({ status: 'published', runId: result.id, taskId: 'flatten', rows: 5000 });
    expect(detail.versions[0]?.inputs.map((i) => i.dataset)).toEqual(['raw_events']);
  });

  it('sends unparseable rows to a rejects dataset with the reason and line, and enforces max_rejects', async () => {
    const file = path.join(work, 'orders.ndjson');
    await writeFile(file, ['{"id": 1, "amount": 10}', '{"id": 2, "amount": 20', 'not json at all', '{"id": 4, "amount": 40}', ''].join('\n'));
    const spec = (maxRejects: number): PipelineSpecInput => ({
      id: `rejects_${maxRejects}`,
      tasks: [{ id: 'ingest', kind: 'source', outputs: [`orders_${maxRejects}`], config: { connector: { type: 'file', path: file }, max_rejects: maxRejects } }],
    });
    const tolerant = await run(spec(5));
    expect(tolerant.run.status).toBe('succeeded');
    expect(tolerant.tasks.ingest?.output).toMatchObject({ rows_in: 4, rows_out: 2, rejects: 2 });
    const rejects = await t.platform.datasets.preview('orders_5__rejects');
    expect(rejects.rows).toHaveLength(2);
    expect(rejects.rows.map((r) => r.raw)).toEqual(expect.arrayContaining(['not json at all', '{"id": 2, "amount": 20']));
    expect(rejects.rows.every((r) => String(r.reason).length > 0 && /orders\.ndjson/.test(String(r.source)))).toBe(true);

    const strict = await run(spec(1));
    expect(strict.run.status).toBe('failed');
    expect(strict.tasks.ingest?.error).toMatch(/2 rejected rows exceed max_rejects \(1\)/);
    // The rejects are kept even though the task failed; the data itself was not published.
    expect((await t.platform.datasets.preview('orders_1__rejects')).rows).toHaveLength(2);
    await expect(t.platform.datasets.preview('orders_1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('re-runs from failure reading the datasets of the reused tasks', async () => {
    const marker = path.join(work, 'fail-once');
    await writeFile(marker, 'x');
    const spec: PipelineSpecInput = {
      id: 'retry_idempotent',
      tasks: [
        { id: 'make', kind: 'source', outputs: ['numbers'], config: { connector: { type: 'generator', seed: 1, count: 100 } } },
        {
          id: 'copy',
          kind: 'transform',
          inputs: ['numbers'],
          outputs: ['copied'],
          retries: { max: 1, backoff: { base: 10, cap: 10 } },
          config: { steps: [{ select: ['event_id', 'event_type'] }] },
        },
        // Fails on its first run while the marker file exists; the re-run reuses `make` and `copy`.
        { id: 'gate', kind: 'shell', depends_on: ['copy'], config: { command: `if [ -f '${marker}' ]; then rm '${marker}'; exit 1; fi` } },
        { id: 'count', kind: 'transform', depends_on: ['gate'], inputs: ['copied'], outputs: ['copied_count'], config: { steps: [{ aggregate: { metrics: { n: 'count' } } }] } },
      ],
    };
    const first = await run(spec);
    expect(first.run.status).toBe('failed');
    const rerun = await t.platform.rerunFromFailure(first.run.id);
    expect((await t.platform.waitForRun(rerun.id)).status).toBe('succeeded');
    const count = await t.platform.datasets.preview('copied_count');
    expect(count.rows).toEqual([{ n: 100 }]);
    const copiedVersions = await t.platform.store.listDatasetVersions({ dataset: 'copied' });
    expect(copiedVersions).toHaveLength(1);
  });

  it('never duplicates rows when a task is retried after writing its output', async () => {
    t.platform.taskKinds.register(
      defineTaskKind({
        name: 'stage_then_fail_once',
        description: 'test kind: stages 10 rows, fails on attempt 1 after writing, publishes on attempt 2',
        configSchema: z.object({}),
        run: async (ctx) => {
          const session = await t.platform.dataPlane.openSession(ctx);
          try {
            await session.stage('retried_rows', 'SELECT range AS i FROM range(10)');
            if (ctx.attempt === 1) throw new Error('lost the connection after writing');
            await session.publish();
          } finally {
            await session.close();
          }
        },
      }),
    );
    const { run: result, tasks } = await run({
      id: 'retry_after_write',
      tasks: [{ id: 'write', kind: 'stage_then_fail_once', outputs: ['retried_rows'], retries: { max: 2, backoff: { base: 5, cap: 5 } } }],
    });
    expect(result.status).toBe('succeeded');
    expect(tasks.write?.attempts).toBe(2);
    const versions = await t.platform.store.listDatasetVersions({ dataset: 'retried_rows' });
    expect(versions.map((v) => [v.status, v.rows])).toEqual([['published', 10]]);
    expect((await t.platform.storage.list('datasets/retried_rows')).length).toBe(1);
    expect((await t.platform.datasets.preview('retried_rows', { limit: 100 })).rows).toHaveLength(10);
  });

  it('reads the latest published dataset of another pipeline', async () => {
    await run({ id: 'producer', tasks: [{ id: 'make', kind: 'source', outputs: ['shared_events'], config: { connector: { type: 'generator', seed: 3, count: 42 } } }] });
    const consumer = await run({
      id: 'consumer',
      tasks: [{ id: 'use', kind: 'transform', inputs: ['shared_events'], outputs: ['shared_types'], config: { steps: [{ aggregate: { metrics: { n: 'count' } } }] } }],
    });
    expect(consumer.run.status).toBe('succeeded');
    expect((await t.platform.datasets.preview('shared_types')).rows).toEqual([{ n: 42 }]);
  });

  it('refuses a connector config with the exact path, before running', async () => {
    await expect(
      t.platform.registerSpec({ id: 'bad_connector', tasks: [{ id: 'read', kind: 'source', outputs: ['x'], config: { connector: { type: 'file' } } }] }),
    ).rejects.toThrow(/tasks\[0\]\.config\.connector\.path/);
    await expect(
      t.platform.registerSpec({ id: 'bad_connector', tasks: [{ id: 'read', kind: 'source', outputs: ['x'], config: { connector: { type: 'ftp' } } }] }),
    ).rejects.toThrow(/unknown connector type 'ftp'/);
  });
});
