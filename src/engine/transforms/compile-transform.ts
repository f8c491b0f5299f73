/**
 * Compiles transform steps into DuckDB SQL: each step a CTE `step_N` over the one before, the
 * inputs it reads as CTEs `input_K`. A `function` step ends the current query and starts a new
 * one over the function's output, so the result is a plan of segments (see transform-plan.ts).
 *
 * With a `describe` callback (a DuckSession's), every step is bound by DuckDB as it is compiled:
 * its columns are known to the next step, and a mistake (an unknown column in a filter) is
 * reported with the step's path instead of failing later inside one big query.
 */
import type { ColumnInfo } from '../../connectors/connector.ts';
import { ValidationError, messageOf } from '../../core/errors.ts';
import { quoteIdent } from '../sql-quote.ts';
import { compileStep } from './compile-step.ts';
import { assertSingleQuery, assertSqlExpression } from './sql-guard.ts';
import { renderSqlTemplate } from './sql-template.ts';
import { DEFAULT_FUNCTION_BATCH_SIZE } from './transform-config.ts';
import type { RelationHandle, SqlSegment, StepContext, TransformPlan, TransformSegment } from './transform-plan.ts';
import type { TransformStep } from './transform-step.ts';

export interface CompileTransformOptions {
  /** Parsed steps (see parseTransformConfig). */
  steps: readonly TransformStep[];
  /** Input dataset name to a relation DuckDB can read FROM, e.g. `read_parquet(['/x/a.parquet'])`. */
  inputs: Readonly<Record<string, string>>;
  /** The input the first step reads; the first of `inputs` when absent. */
  from?: string;
  params?: Readonly<Record<string, unknown>>;
  /** Known columns of inputs, used before (or instead of) `describe`. */
  columns?: Readonly<Record<string, readonly ColumnInfo[]>>;
  /** Columns of a query, without running it (DuckSession.describe). */
  describe?: (sql: string) => Promise<ColumnInfo[]>;
  /** Bind each step as it is compiled, to report errors by step (default: true when describe is given). */
  validate?: boolean;
  /** Rows per batch of function steps that do not set their own. */
  batchSize?: number;
  /** Compile from this step on (resuming after a function step has run); default 0. */
  startAt?: number;
  /** End the plan at the first function step (what executeTransform does, to run it first). */
  stopAtFunction?: boolean;
  /** Start of error paths (default `steps`), e.g. `tasks[2].config.steps`. */
  pathPrefix?: string;
}

/** The relation name a function step's output is read under by the next segment. */
export function functionOutputName(step: number): string {
  return `__transform_fn_${step}`;
}

interface Binding {
  relation: string;
  columns?: readonly ColumnInfo[];
  /** False for a function output that does not exist until the plan runs. */
  describable: boolean;
  /** Why the columns may be unknown, for the error. */
  origin?: string;
}

/** Keeps a DuckDB error's message and drops the echo of the query. */
function duckMessage(error: unknown): string {
  return messageOf(error).split(/\n\s*\nLINE |\nLINE \d/)[0]?.trim() ?? messageOf(error);
}

/**
 * Compiles steps into a plan.
 * @example
 * const plan = await compileTransform({
 *   steps: parseTransformConfig({ steps: [{ filter: 'amount > 0' }, { limit: 10 }] }).steps,
 *   inputs: { orders: "read_parquet(['/data/orders.parquet'])" },
 *   describe: (sql) => session.describe(sql),
 * });
 * await session.all(plan.sql);
 */
export async function compileTransform(options: CompileTransformOptions): Promise<TransformPlan> {
  const names = Object.keys(options.inputs);
  const from = options.from ?? names[0];
  if (from === undefined) throw new ValidationError('invalid transform', [{ path: 'inputs', message: 'a transform needs at least one input' }]);
  const bindings = new Map<string, Binding>();
  for (const name of names) {
    const columns = options.columns?.[name];
    bindings.set(name, { relation: options.inputs[name] as string, describable: true, ...(columns ? { columns } : {}) });
  }
  if (!bindings.has(from)) throw new ValidationError('invalid transform', [{ path: 'from', message: `unknown input '${from}' (inputs: ${names.join(', ')})` }]);

  const compiler = new TransformCompiler(options, bindings);
  const segments: TransformSegment[] = [];
  let segment = new SegmentBuilder(compiler, from);
  for (let i = options.startAt ?? 0; i < options.steps.length; i++) {
    const step = options.steps[i] as TransformStep;
    if (step.kind !== 'function') {
      await segment.add(i, step);
      continue;
    }
    await segment.validate();
    segments.push(segment.build());
    const output = functionOutputName(i);
    segments.push({
      kind: 'function',
      step: i,
      export: step.export,
      batchSize: step.batchSize ?? options.batchSize ?? DEFAULT_FUNCTION_BATCH_SIZE,
      output,
      ...(step.module ? { module: step.module } : {}),
      ...(step.fn ? { fn: step.fn } : {}),
      ...(step.columns ? { columns: step.columns } : {}),
    });
    if (options.stopAtFunction) return { sql: segment.build().sql, segments };
    const origin = `they come from function step ${compiler.path(i)}: declare its columns, or run the plan with executeTransform`;
    bindings.set(output, { relation: quoteIdent(output), describable: false, origin, ...(step.columns ? { columns: step.columns } : {}) });
    segment = new SegmentBuilder(compiler, output);
  }
  const columns = await segment.validate();
  const last = segment.build();
  segments.push(last);
  return { sql: last.sql, segments, ...(columns ? { columns } : {}) };
}

/** State shared by the segments of one compilation. */
class TransformCompiler {
  private readonly datasetColumns = new Map<string, Promise<ColumnInfo[] | undefined>>();

  constructor(
    readonly options: CompileTransformOptions,
    readonly bindings: Map<string, Binding>,
  ) {}

  get validate(): boolean {
    return Boolean(this.options.describe) && this.options.validate !== false;
  }

  path(index: number, kind?: string): string {
    return `${this.options.pathPrefix ?? 'steps'}[${index}]${kind ? `.${kind}` : ''}`;
  }

  binding(name: string, path: string): Binding {
    const binding = this.bindings.get(name);
    if (binding) return binding;
    const known = [...this.bindings.keys()].filter((n) => !n.startsWith('__transform_fn_'));
    throw new ValidationError('unknown dataset', [{ path, message: `unknown dataset '${name}' (inputs: ${known.join(', ')})` }]);
  }

  /** Columns of an input: given, or described once. */
  columnsOfDataset(name: string, path: string): Promise<ColumnInfo[] | undefined> {
    let columns = this.datasetColumns.get(name);
    if (!columns) {
      const binding = this.binding(name, path);
      const describe = this.options.describe;
      columns = binding.columns
        ? Promise.resolve([...binding.columns])
        : binding.describable && describe
          ? describe(`SELECT * FROM ${binding.relation}`).catch((error: unknown) => {
              throw new ValidationError('cannot read input', [{ path, message: `cannot read dataset '${name}': ${duckMessage(error)}` }]);
            })
          : Promise.resolve(undefined);
      this.datasetColumns.set(name, columns);
    }
    return columns;
  }

  /** Why a relation's columns are unknown before running. */
  unknownReason(source: string): string {
    return this.bindings.get(source)?.origin ?? 'pass describe (or the inputs\' columns) to compileTransform';
  }
}

/** One SQL query of the plan, built step by step. */
class SegmentBuilder {
  private readonly ctes: Array<{ name: string; body: string }> = [];
  private readonly datasetCtes = new Map<string, string>();
  private readonly steps: number[] = [];
  private current: RelationHandle;
  private readonly describable: boolean;
  /** Steps not bound by DuckDB yet, checked at the end (see validate). */
  private readonly unchecked: Array<{ check: () => Promise<unknown> }> = [];

  constructor(
    private readonly compiler: TransformCompiler,
    private readonly source: string,
  ) {
    this.describable = compiler.bindings.get(source)?.describable ?? false;
    this.current = this.dataset(source, 'from');
  }

  private dataset(name: string, path: string): RelationHandle {
    const binding = this.compiler.binding(name, path);
    let cte = this.datasetCtes.get(name);
    if (!cte) {
      cte = quoteIdent(`input_${this.datasetCtes.size}`);
      this.ctes.push({ name: cte, body: `SELECT * FROM ${binding.relation}` });
      this.datasetCtes.set(name, cte);
    }
    return { name: cte, columns: () => this.compiler.columnsOfDataset(name, path) };
  }

  private sqlFor(name: string): string {
    if (this.ctes.length === 0) return `SELECT * FROM ${name}`;
    return `WITH ${this.ctes.map((c) => `${c.name} AS (\n  ${c.body}\n)`).join(',\n')}\nSELECT * FROM ${name}`;
  }

  async add(index: number, step: Exclude<TransformStep, { kind: 'function' }>): Promise<void> {
    const { options } = this.compiler;
    const path = this.compiler.path(index, step.kind);
    const params = options.params ?? {};
    const ctx: StepContext = {
      index,
      path,
      input: this.current,
      dataset: (name, at) => this.dataset(name, at),
      require: async (relation, at) => {
        const columns = await relation.columns();
        if (columns) return columns;
        const message = `needs the columns of its input, which are not known before running: ${this.compiler.unknownReason(this.source)}`;
        throw new ValidationError('columns unknown', [{ path: at, message }]);
      },
      expr: (text, at) => {
        const rendered = renderSqlTemplate(text, { params, path: at });
        assertSqlExpression(rendered, at);
        // A trailing `--` comment must not swallow the SQL generated after the expression.
        return rendered.includes('--') ? `${rendered}\n` : rendered;
      },
      query: (text, at) => {
        const rendered = renderSqlTemplate(text, { params, path: at, input: this.current.name, ref: (name) => this.dataset(name, at).name });
        return `${assertSingleQuery(rendered, at)}\n`;
      },
      cteName: (suffix) => quoteIdent(`step_${index}_${suffix}`),
    };
    const out = await compileStep(step, ctx);
    this.ctes.push(...(out.before ?? []));
    const name = quoteIdent(`step_${index}`);
    this.ctes.push({ name, body: out.body });
    this.steps.push(index);

    const describe = options.describe;
    if (this.describable && describe) {
      const sql = this.sqlFor(name);
      // A step that knows its output columns (computed from its input's) saves a DESCRIBE; the
      // segment is still bound as a whole in validate mode, which catches any mismatch.
      let bound: Promise<ColumnInfo[]> | undefined;
      const bind = (): Promise<ColumnInfo[]> =>
        (bound ??= describe(sql).catch((error: unknown) => {
          throw new ValidationError(`transform step ${index} (${step.kind}) is invalid`, [{ path, message: duckMessage(error) }]);
        }));
      const known = out.columns;
      // Bound at the end with the whole segment (one by one only if that fails).
      if (this.compiler.validate) this.unchecked.push({ check: bind });
      this.current = { name, columns: () => (known ? Promise.resolve(known) : bind()) };
    } else {
      const known = out.columns;
      this.current = { name, columns: async () => known };
    }
  }

  /**
   * Binds the segment (validate mode): one DESCRIBE of its whole query, since each DESCRIBE of
   * a query over raw files re-samples them. Only when that fails are the steps bound one by
   * one, so the error names the first invalid step as if each had been checked on its own.
   */
  async validate(): Promise<ColumnInfo[] | undefined> {
    const describe = this.compiler.options.describe;
    if (!this.compiler.validate || !describe || this.unchecked.length === 0) return undefined;
    const whole = await describe(this.sqlFor(this.current.name)).catch(() => undefined);
    if (!whole) for (const step of this.unchecked) await step.check();
    this.unchecked.length = 0;
    return whole;
  }

  build(): SqlSegment {
    return { kind: 'sql', sql: this.sqlFor(this.current.name), steps: [...this.steps] };
  }
}
