import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/core/errors.ts';
import { executeTransform } from '../../../src/engine/transforms/execute-transform.ts';
import { loadStepFunction, runFunctionStep, type StepFunction } from '../../../src/engine/transforms/function-step.ts';
import { parseTransformConfig } from '../../../src/engine/transforms/transform-config.ts';
import { INPUTS, compile, issuesOf, openFixture, sortRows, type Fixture } from './transform-fixtures.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let fx: Fixture;
let tempDir: string;

beforeAll(async () => {
  fx = await openFixture();
  tempDir = mkdtempSync(path.join(tmpdir(), 'transform-fn-'));
  await fx.session.run(`CREATE TABLE big AS SELECT range::INTEGER AS id, (range % 7)::INTEGER AS k, DATE '2025-01-01' + (range % 30)::INTEGER AS day FROM range(50000)`);
});
afterAll(() => {
  fx.close();
  rmSync(tempDir, { recursive: true, force: true });
});

const steps = (raw: unknown[]) => parseTransformConfig({ steps: raw }).steps;

describe('function step', () => {
  it('streams 50,000 rows to the function in batches of 1,000 and reads its output back', async () => {
    const sizes: number[] = [];
    const offsets: number[] = [];
    const fn: StepFunction = (batch, ctx) => {
      sizes.push(batch.length);
      offsets.push(ctx.rowOffset);
      return batch.map((row) => ({ ...row, doubled: Number(row.id) * 2 }));
    };
    const result = await executeTransform({
      session: fx.session,
      steps: steps([{ filter: 'id >= 0' }, { function: { fn, batch_size: 1000 } }, { aggregate: { group_by: 'k', metrics: { n: 'count', total: { sum: 'doubled' }, days: { count_distinct: 'day' } } } }, { sort: 'k' }]),
      inputs: { big: '"big"' },
      tempDir,
    });
    expect(sizes).toHaveLength(50);
    expect(sizes.every((s) => s === 1000)).toBe(true);
    expect(offsets.slice(0, 3)).toEqual([0, 1000, 2000]);
    expect(result.functionSteps).toMatchObject([{ step: 1, rows: 50_000, inputRows: 50_000, batches: 50 }]);
    const rows = await fx.session.all(result.sql);
    expect(rows).toHaveLength(7);
    expect(rows.reduce((s, r) => s + Number(r.n), 0)).toBe(50_000);
    expect(rows.reduce((s, r) => s + Number(r.total), 0)).toBe(49_999 * 50_000);
    expect(rows[0]).toEqual({ k: 0, n: 7143, total: 2 * [...Array(7143).keys()].reduce((s, i) => s + i * 7, 0), days: 30 });
  });

  it('hands the last partial batch over and never exceeds the batch size', async () => {
    const sizes: number[] = [];
    const out = await runFunctionStep({
      session: fx.session,
      inputSql: 'SELECT * FROM big WHERE id < 2500',
      fn: (batch) => {
        sizes.push(batch.length);
        return batch;
      },
      batchSize: 700,
      tempDir,
    });
    expect(sizes).toEqual([700, 700, 700, 400]);
    expect(out.rows).toBe(2500);
  });

  it('reads the output with the input types when the function keeps the columns', async () => {
    await fx.session.run(`CREATE TABLE typed AS SELECT 1::BIGINT AS id, DATE '2024-02-29' AS d, TIMESTAMP '2024-01-02 03:04:05.123' AS ts, TIME '10:11:12.5' AS tm,
      INTERVAL 3 DAY AS iv, '\\xAA\\x00'::BLOB AS bl, MAP {'k': 1} AS m, {'a': [DATE '2024-01-01']} AS s, 123456789012345678901::HUGEINT AS h, 1.25::DECIMAL(10,2) AS dec`);
    const out = await runFunctionStep({ session: fx.session, inputSql: 'SELECT * FROM typed', fn: (batch) => batch, batchSize: 10, tempDir });
    expect(out.inferred).toBe(false);
    const before = await fx.session.describe('SELECT * FROM typed');
    expect(await fx.session.describe(`SELECT * FROM ${out.relationSql}`)).toEqual(before);
    const same = await fx.session.all(`SELECT count(*) AS n FROM (SELECT * FROM typed EXCEPT SELECT * FROM ${out.relationSql})`);
    expect(same).toEqual([{ n: 0 }]);
  });

  it('infers the types of new columns, and takes declared ones', async () => {
    const inferred = await runFunctionStep({
      session: fx.session,
      inputSql: 'SELECT id FROM big WHERE id < 3',
      fn: (batch) => batch.map((r) => ({ id: r.id, when: new Date(Date.UTC(2025, 0, 1 + Number(r.id))), tags: ['a'], flag: true, ratio: Number(r.id) / 2 })),
      batchSize: 10,
      tempDir,
    });
    expect(inferred.inferred).toBe(true);
    expect(inferred.relationSql).toContain('columns={');
    expect((await fx.session.describe(`SELECT * FROM ${inferred.relationSql}`)).map((c) => `${c.name} ${c.type}`)).toEqual([
      'id BIGINT',
      'when TIMESTAMP',
      'tags VARCHAR[]',
      'flag BOOLEAN',
      'ratio DOUBLE',
    ]);
    const declared = await executeTransform({
      session: fx.session,
      steps: steps([{ filter: 'id < 3' }, { function: { fn: (batch: Array<Record<string, unknown>>) => batch.map((r) => ({ id: r.id, code: `c${String(r.id)}` })), columns: { id: 'INTEGER', code: 'VARCHAR' } } }]),
      inputs: { big: '"big"' },
      tempDir,
    });
    expect((await fx.session.describe(declared.sql)).map((c) => `${c.name} ${c.type}`)).toEqual(['id INTEGER', 'code VARCHAR']);
  });

  it('loads the function from a module, accepts async generators, and compiles later steps on its real columns', async () => {
    const result = await executeTransform({
      session: fx.session,
      steps: steps([
        { filter: 'id <= 2' },
        { function: { module: './fixture-steps.ts', export: 'duplicate' } },
        { function: { module: './fixture-steps.ts', export: 'nest' } },
        { flatten: { explode: ['payload.lines'] } },
      ]),
      inputs: INPUTS,
      baseDir: HERE,
      tempDir,
    });
    expect(result.functionSteps.map((f) => [f.step, f.inputRows, f.rows])).toEqual([
      [1, 2, 4],
      [2, 4, 4],
    ]);
    const rows = sortRows(await fx.session.all(result.sql), 'id', 'payload_lines');
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({ id: 1, payload_who_name: 'c10', payload_lines: 1 });
  });

  it('compiles a plan of segments around function steps', async () => {
    const plan = await compile(fx.session, [{ filter: 'amount > 0' }, { function: { module: './fixture-steps.ts', export: 'enrich', batch_size: 500 } }, { filter: "tier = 'gold'" }]);
    expect(plan.segments.map((s) => s.kind)).toEqual(['sql', 'function', 'sql']);
    expect(plan.segments[0]).toMatchObject({ kind: 'sql', steps: [0] });
    expect(plan.segments[1]).toEqual({ kind: 'function', step: 1, module: './fixture-steps.ts', export: 'enrich', batchSize: 500, output: '__transform_fn_1' });
    expect(plan.segments[2]).toMatchObject({ kind: 'sql', steps: [2] });
    expect(plan.sql).toContain('SELECT * FROM "__transform_fn_1"');
    // The plan can also be run by hand: bind the function's output under its name.
    const fn = await loadStepFunction({ module: './fixture-steps.ts', export: 'enrich', baseDir: HERE });
    const first = plan.segments[0];
    if (first?.kind !== 'sql') throw new Error('expected sql');
    const out = await runFunctionStep({ session: fx.session, inputSql: first.sql, fn, batchSize: 500, tempDir });
    await fx.session.run(`CREATE TEMP VIEW "__transform_fn_1" AS SELECT * FROM ${out.relationSql}`);
    expect(sortRows(await fx.session.all(plan.sql), 'id').map((r) => r.id)).toEqual([2, 4]);
    await fx.session.run('DROP VIEW "__transform_fn_1"');
  });

  it('reports module and export errors by path, and wraps what the function throws', async () => {
    expect(await issuesOf(() => loadStepFunction({ module: './fixture-steps.ts', export: 'notAFunction', baseDir: HERE, path: 'steps[1].function' }))).toEqual([
      { path: 'steps[1].function.export', message: "'./fixture-steps.ts' has no function export 'notAFunction' (functions: duplicate, enrich, nest)" },
    ]);
    const [missing] = await issuesOf(() => loadStepFunction({ module: './nope.ts', baseDir: HERE }));
    expect(missing?.path).toBe('function.module');
    const failing = runFunctionStep({
      session: fx.session,
      inputSql: 'SELECT * FROM big WHERE id < 30',
      fn: (_batch, ctx) => {
        if (ctx.batchIndex === 1) throw new Error('boom');
        return [];
      },
      batchSize: 10,
      tempDir,
    });
    await expect(failing).rejects.toBeInstanceOf(TaskError);
    await expect(failing).rejects.toThrow('function step failed on batch 1 (rows 10-19): boom');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = runFunctionStep({
      session: fx.session,
      inputSql: 'SELECT * FROM big',
      fn: (batch) => {
        if (++calls === 3) controller.abort(new Error('cancelled by user'));
        return batch;
      },
      batchSize: 1000,
      tempDir,
      signal: controller.signal,
    });
    await expect(run).rejects.toThrow('cancelled by user');
    expect(calls).toBe(3);
  });
});
