/**
 * The `function` step: TypeScript over record batches. The rows of the SQL before it are
 * streamed in batches of at most `batchSize`, each batch goes through the user's function, and
 * what it returns is staged as NDJSON for the SQL after it. Memory stays bounded by the batch
 * size whatever the number of rows.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ColumnInfo, RecordBatch } from '../../connectors/connector.ts';
import { TaskError, ValidationError, messageOf } from '../../core/errors.ts';
import type { DuckSession } from '../duckdb.ts';
import { NdjsonStage } from './ndjson-stage.ts';

/** The second argument of a step function. */
export interface FunctionStepContext {
  readonly signal: AbortSignal;
  /** 0 for the first batch. */
  readonly batchIndex: number;
  /** Rows before this batch. */
  readonly rowOffset: number;
  /** Columns (and DuckDB types) of the input rows. */
  readonly columns: readonly ColumnInfo[];
  readonly params: Readonly<Record<string, unknown>>;
}

type Row = Record<string, unknown>;

/** What a step function may return: a batch, rows or batches one by one (sync or async), or nothing to drop the batch. */
export type StepFunctionResult = RecordBatch | Iterable<Row | RecordBatch> | AsyncIterable<Row | RecordBatch> | null | undefined | void;

/**
 * A function step's code.
 * @example
 * export const enrich: StepFunction = (batch) => batch.map((row) => ({ ...row, big: Number(row.amount) > 100 }));
 */
export type StepFunction = (batch: RecordBatch, ctx: FunctionStepContext) => StepFunctionResult | Promise<StepFunctionResult>;

export interface RunFunctionStepOptions {
  /** The session the input query runs in (and that will read the output). */
  session: Pick<DuckSession, 'stream' | 'describe'>;
  /** A SELECT giving the rows to transform. */
  inputSql: string;
  fn: StepFunction;
  /** Largest batch handed to `fn`. */
  batchSize: number;
  /** Where the output file is written; the caller removes it when the task ends. */
  tempDir: string;
  signal?: AbortSignal;
  params?: Readonly<Record<string, unknown>>;
  /** Declared output columns: the file is read with these types instead of inferred ones. */
  columns?: readonly ColumnInfo[];
  /** A name for the staged file (default: random). */
  name?: string;
}

export interface FunctionStepResult {
  /** A relation over the function's output, e.g. `read_json('/tmp/x.ndjson', ...)`. */
  relationSql: string;
  /** Rows the function returned. */
  rows: number;
  inputRows: number;
  batches: number;
  /** The staged NDJSON file. */
  file: string;
  /** The output's columns: declared, those of the input when the function kept them, else inferred from every row. */
  columns: ColumnInfo[];
  /** True when DuckDB inferred the columns from the rows. */
  inferred: boolean;
}

/** Cuts a stream of batches of any size into batches of at most `size` rows. */
async function* rebatch(source: AsyncIterable<RecordBatch>, size: number): AsyncIterable<RecordBatch> {
  let carry: RecordBatch = [];
  for await (const batch of source) {
    let start = 0;
    if (carry.length > 0) {
      start = size - carry.length;
      carry.push(...batch.slice(0, start));
      if (carry.length < size) continue;
      yield carry;
      carry = [];
    }
    for (; start + size <= batch.length; start += size) yield batch.slice(start, start + size);
    carry = batch.slice(start);
  }
  if (carry.length > 0) yield carry;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Runs a step function over the rows of `inputSql`, in batches, and stages its output.
 * @example
 * const out = await runFunctionStep({ session, inputSql: 'SELECT * FROM orders', fn, batchSize: 1000, tempDir });
 * await session.all(`SELECT count(*) FROM ${out.relationSql}`);
 */
export async function runFunctionStep(options: RunFunctionStepOptions): Promise<FunctionStepResult> {
  const { session, fn, batchSize } = options;
  const signal = options.signal ?? new AbortController().signal;
  const columns = await session.describe(options.inputSql);
  const stage = new NdjsonStage(path.join(options.tempDir, `${options.name ?? `function-${randomUUID()}`}.ndjson`), columns);
  let batches = 0;
  let inputRows = 0;
  try {
    for await (const batch of rebatch(session.stream(options.inputSql, batchSize), batchSize)) {
      signal.throwIfAborted();
      const ctx: FunctionStepContext = { signal, batchIndex: batches, rowOffset: inputRows, columns, params: options.params ?? {} };
      try {
        await drain(await fn(batch, ctx), stage, batchSize);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new TaskError(`function step failed on batch ${batches} (rows ${inputRows}-${inputRows + batch.length - 1}): ${messageOf(error)}`, { cause: error, userCode: true });
      }
      batches++;
      inputRows += batch.length;
    }
  } finally {
    await stage.close();
  }
  const typed = stage.typedColumns(options.columns);
  // Infer once, then read with the inferred types: later binds of the relation (one per step
  // compiled after this one) then no longer scan the whole file to infer them again.
  const outputColumns = typed ?? (await session.describe(`SELECT * FROM ${stage.relationSql(undefined)}`));
  return {
    relationSql: stage.relationSql(outputColumns),
    rows: stage.rows,
    inputRows,
    batches,
    file: stage.file,
    columns: outputColumns,
    inferred: typed === undefined,
  };
}

/** Writes what a function returned, one bounded chunk at a time. */
async function drain(result: StepFunctionResult, stage: NdjsonStage, batchSize: number): Promise<void> {
  if (result === null || result === undefined) return;
  if (Array.isArray(result) && !result.some(Array.isArray)) {
    await stage.write(result as RecordBatch);
    return;
  }
  if (typeof result !== 'object' || !(Symbol.iterator in result || isAsyncIterable(result))) {
    throw new Error(`expected the function to return rows, got ${typeof result}`);
  }
  let pending: RecordBatch = [];
  for await (const item of result as AsyncIterable<Row | RecordBatch>) {
    if (Array.isArray(item)) {
      await stage.write(pending);
      pending = [];
      await stage.write(item);
    } else if (item !== null && typeof item === 'object') {
      pending.push(item);
      if (pending.length >= batchSize) {
        await stage.write(pending);
        pending = [];
      }
    } else {
      throw new Error(`expected a row object, got ${typeof item}`);
    }
  }
  await stage.write(pending);
}

export interface LoadStepFunctionOptions {
  /** Module path, relative to `baseDir`. */
  module: string;
  /** Export name (default `default`). */
  export?: string;
  /** The spec's folder. */
  baseDir: string;
  /** Where the step is in the config, for errors. */
  path?: string;
}

/** Imports a function step's module and returns its exported function. */
export async function loadStepFunction(options: LoadStepFunctionOptions): Promise<StepFunction> {
  const exportName = options.export ?? 'default';
  const at = options.path ?? 'function';
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(path.resolve(options.baseDir, options.module)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ValidationError('cannot load function module', [{ path: `${at}.module`, message: `cannot load '${options.module}': ${messageOf(error)}` }]);
  }
  const fn = loaded[exportName];
  if (typeof fn !== 'function') {
    const exported = Object.keys(loaded).filter((k) => typeof loaded[k] === 'function').sort();
    const message = `'${options.module}' has no function export '${exportName}' (functions: ${exported.join(', ') || 'none'})`;
    throw new ValidationError('no such function', [{ path: `${at}.export`, message }]);
  }
  return fn as StepFunction;
}
