import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { createTestPlatform, runSpec, type TestPlatform } from '../helpers/platform.ts';

let t: TestPlatform;
let work: string;

beforeAll(async () => {
  t = await createTestPlatform();
  work = await mkdtemp(path.join(os.tmpdir(), 'dd-views-'));
});
afterAll(async () => {
  await t.dispose();
  await rm(work, { recursive: true, force: true });
});

const run = (spec: PipelineSpecInput) => runSpec(t.platform, work, spec);

const event = (i: number) => JSON.stringify({ id: i, kind: i % 3 === 0 ? 'buy' : 'view', user: { name: `u${i % 5}`, geo: { country: i % 2 ? 'FR' : 'DE' } } });

/** file source -> flatten -> partitioned Parquet sink, with the two middle datasets as views. */
function viewPipeline(id: string, file: string, out: string): PipelineSpecInput {
  return {
    id,
    tasks: [
      { id: 'ingest', kind: 'source', outputs: [`${id}_raw`], config: { connector: { type: 'file', path: file, format: 'ndjson' }, materialize: 'view' } },
      { id: 'flatten', kind: 'transform', inputs: [`${id}_raw`], outputs: [`${id}_flat`], config: { steps: [{ flatten: { separator: '_' } }], materialize: 'view' } },
      { id: 'export', kind: 'sink', inputs: [`${id}_flat`], config: { connector: { type: 'file', path: out, format: 'parquet', partition_by: ['kind'] }, mode: 'overwrite' } },
    ],
  };
}

describe('materialize: view', () => {
  it('keeps a file source and a transform as views that the sink reads through', async () => {
    const file = path.join(work, 'events.ndjson');
    await writeFile(file, Array.from({ length: 300 }, (_, i) => event(i)).join('\n') + '\n');
    const out = path.join(work, 'out-views');
    const { run: result, tasks } = await run(viewPipeline('viewed', file, out));
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect(tasks.ingest?.output).toMatchObject({ rows_out: 300, rejects: 0 });
    expect(tasks.flatten?.output).toMatchObject({ rows_in: 300, rows_out: 300 });
    expect(tasks.export?.output).toMatchObject({ rows_out: 300 });
    expect((await readdir(out)).sort()).toEqual(['kind=buy', 'kind=view']);

    // Nothing stored for the views: no files, no bytes; the definition names the file and the input version.
    const raw = await t.platform.datasets.resolveVersion('viewed_raw');
    const flat = await t.platform.datasets.resolveVersion('viewed_flat');
    for (const version of [raw, flat]) {
      expect(version.files).toEqual([]);
      expect(version.bytes).toBe(0);
      expect(version.stats).toMatchObject({ materialize: 'view' });
    }
    expect(raw.rows).toBe(300);
    expect(flat.rows).toBe(300);
    expect(raw.view?.files.map((f) => f.path)).toEqual([file]);
    expect(flat.view?.inputs.map((i) => i.versionId)).toEqual([raw.id]);
    expect(flat.inputs).toEqual([{ dataset: 'viewed_raw', versionId: raw.id }]);
    expect(flat.schema.map((c) => c.name)).toEqual(['id', 'kind', 'user_name', 'user_geo_country']);

    // A filtered view over the source view is counted (its rows are not the input's).
    const filtered = await run({
      id: 'viewed_buys',
      tasks: [
        { id: 'buys', kind: 'transform', inputs: ['viewed_raw'], outputs: ['viewed_buys'], config: { steps: [{ filter: "kind = 'buy'" }, { flatten: { separator: '_' } }], materialize: 'view' } },
      ],
    });
    expect(filtered.run.status, filtered.run.error ?? '').toBe('succeeded');
    expect(filtered.tasks.buys?.output).toMatchObject({ rows_in: 300, rows_out: 100 });
    expect((await t.platform.datasets.resolveVersion('viewed_buys')).rows).toBe(100);

    // Previews read through the views, the flat one through both.
    const preview = await t.platform.datasets.preview('viewed_flat', { limit: 500 });
    expect(preview.rows).toHaveLength(300);
    expect(preview.rows.find((r) => Number(r.id) === 7)).toMatchObject({ kind: 'view', user_name: 'u2', user_geo_country: 'FR' });

    // A view over a file that changed since refuses to read, naming the file and the task to re-run.
    await appendFile(file, `${event(300)}\n`);
    await expect(t.platform.datasets.preview('viewed_flat', { limit: 5 })).rejects.toThrow(/viewed_raw.*is a view over .*events\.ndjson, which changed since it was recorded.*run task 'ingest' again/s);
  });

  it('keeps a source as a table when bad lines had to be set aside, with the rejects recorded', async () => {
    const file = path.join(work, 'bad.ndjson');
    await writeFile(file, [event(1), '{"id": 2, "kind": ', event(3), '42', event(4)].join('\n') + '\n');
    const { run: result, tasks } = await run(viewPipeline('fallback', file, path.join(work, 'out-fallback')));
    expect(result.status, result.error ?? '').toBe('succeeded');
    expect(tasks.ingest?.output).toMatchObject({ rows_out: 3, rejects: 2 });
    const raw = await t.platform.datasets.resolveVersion('fallback_raw');
    expect(raw.view ?? null).toBeNull();
    expect(raw.files).toHaveLength(1);
    const rejects = await t.platform.datasets.preview('fallback_raw__rejects', { limit: 10 });
    expect(rejects.rows.map((r) => r.source)).toEqual([`${file}:2`, `${file}:4`]);
    // The transform still is a view, over the source's table.
    const flat = await t.platform.datasets.resolveVersion('fallback_flat');
    expect(flat.view?.inputs.map((i) => i.versionId)).toEqual([raw.id]);
    expect(flat.rows).toBe(3);
  });

  it('refuses a view of a source that does not read files, and of function steps', async () => {
    const generated = await run({
      id: 'view_of_generator',
      tasks: [{ id: 'gen', kind: 'source', outputs: ['gen_view'], config: { connector: { type: 'generator', seed: 1, count: 10 }, materialize: 'view' } }],
    });
    expect(generated.run.status).toBe('failed');
    expect(generated.tasks.gen?.error).toMatch(/tasks\.gen\.config\.materialize: .*connector 'generator' needs materialize: table/);

    const fn = path.join(work, 'double.mjs');
    await writeFile(fn, 'export default (rows) => rows.map((r) => ({ ...r, twice: r.n * 2 }));\n');
    const withFunction = await run({
      id: 'view_of_function',
      tasks: [
        { id: 'gen', kind: 'source', outputs: ['numbers'], config: { connector: { type: 'generator', seed: 1, count: 10 } } },
        { id: 'calc', kind: 'transform', inputs: ['numbers'], outputs: ['doubled'], config: { steps: [{ derive: { n: '1' } }, { function: { module: './double.mjs' } }], materialize: 'view' } },
      ],
    });
    expect(withFunction.run.status).toBe('failed');
    expect(withFunction.tasks.calc?.error).toMatch(/materialize: a view cannot hold function steps/);
  });
});
