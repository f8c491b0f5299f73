/**
 * Runs a transform in a DuckDB session: compiles the steps up to the first function step, runs
 * that function over the query's rows, then compiles the rest over the function's staged output,
 * and so on. Compiling after each function has run means steps that need columns (flatten,
 * join, derive) see the function's real output columns.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../core/errors.ts';
import type { ColumnInfo } from '../../connectors/connector.ts';
import type { DuckSession } from '../duckdb.ts';
import { compileTransform, type CompileTransformOptions } from './compile-transform.ts';
import { loadStepFunction, runFunctionStep, type FunctionStepResult } from './function-step.ts';
import type { FunctionSegment, SqlSegment } from './transform-plan.ts';

export interface ExecuteTransformOptions extends Omit<CompileTransformOptions, 'describe' | 'startAt' | 'stopAtFunction'> {
  session: DuckSession;
  /** Where function steps stage their output; keep it until the returned SQL has been consumed. */
  tempDir: string;
  /** Folder that function modules are resolved against (the spec's folder). */
  baseDir?: string;
  signal?: AbortSignal;
}

export interface ExecuteTransformResult {
  /** The final SELECT, reading staged function outputs where there were function steps. */
  sql: string;
  /** Its columns, when binding it told them. */
  columns?: ColumnInfo[];
  functionSteps: Array<FunctionStepResult & { step: number }>;
}

/** Refuses SQL that DuckDB would split into several statements (a second line of defence after sql-guard). */
async function assertOneStatement(session: DuckSession, sql: string): Promise<void> {
  const statements = await session.connection.extractStatements(sql);
  if (statements.count !== 1) throw new ValidationError(`a transform must compile to one statement, got ${statements.count}`);
}

/**
 * Compiles and runs the function steps of a transform; returns the SELECT of its result.
 * @example
 * const { sql } = await executeTransform({ session, steps, inputs: { orders: "read_parquet(['/d/orders.parquet'])" }, tempDir, baseDir });
 * await session.run(`COPY (${sql}) TO '/d/out.parquet' (FORMAT parquet)`);
 */
export async function executeTransform(options: ExecuteTransformOptions): Promise<ExecuteTransformResult> {
  const { session, signal } = options;
  const functionSteps: ExecuteTransformResult['functionSteps'] = [];
  let compileOptions: CompileTransformOptions = { ...options, describe: (sql) => session.describe(sql), stopAtFunction: true };
  for (;;) {
    signal?.throwIfAborted();
    const plan = await compileTransform(compileOptions);
    const segment = plan.segments.at(-1);
    if (segment?.kind !== 'function') {
      await assertOneStatement(session, plan.sql);
      return { sql: plan.sql, functionSteps, ...(plan.columns ? { columns: plan.columns } : {}) };
    }
    const fnSegment: FunctionSegment = segment;
    const input = plan.segments.at(-2) as SqlSegment;
    await assertOneStatement(session, input.sql);
    const stepPath = `${options.pathPrefix ?? 'steps'}[${fnSegment.step}].function`;
    const fn =
      fnSegment.fn ??
      (await loadStepFunction({ module: fnSegment.module ?? '', export: fnSegment.export, baseDir: options.baseDir ?? process.cwd(), path: stepPath }));
    const result = await runFunctionStep({
      session,
      inputSql: input.sql,
      fn,
      batchSize: fnSegment.batchSize,
      tempDir: options.tempDir,
      name: `step-${fnSegment.step}-${randomUUID()}`,
      ...(signal ? { signal } : {}),
      ...(options.params ? { params: options.params } : {}),
      ...(fnSegment.columns ? { columns: fnSegment.columns } : {}),
    });
    functionSteps.push({ ...result, step: fnSegment.step });
    compileOptions = {
      ...compileOptions,
      startAt: fnSegment.step + 1,
      from: fnSegment.output,
      inputs: { ...compileOptions.inputs, [fnSegment.output]: result.relationSql },
      columns: { ...compileOptions.columns, [fnSegment.output]: result.columns },
    };
  }
}
