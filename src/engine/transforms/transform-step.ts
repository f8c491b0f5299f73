/**
 * The steps of a `transform` task, as zod schemas. Each step is an object with exactly one key
 * naming its kind (`- filter: "amount > 0"`), so an error can say which step and which field is
 * wrong: `steps[2].aggregate.metrics.revenue: unknown aggregate 'total'`.
 *
 * Parsing normalises the many short forms users write into one shape per kind
 * (`{ kind: 'sort', keys: [...] }`), which is what the compiler reads.
 */
import { z } from 'zod';
import type { ColumnInfo } from '../../connectors/connector.ts';
import { aggregateMetricSchema, type AggregateMetric } from './aggregate-metric.ts';
import { formatDuckType, parseDuckType } from './duckdb-type.ts';
import type { StepFunction } from './function-step.ts';

/** The kinds of step, in the order the docs present them. */
export const STEP_KINDS = ['filter', 'select', 'derive', 'join', 'aggregate', 'flatten', 'dedupe', 'sort', 'limit', 'union', 'sql', 'function'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const JOIN_TYPES = ['inner', 'left', 'right', 'full'] as const;
export type JoinType = (typeof JOIN_TYPES)[number];

/** An ordering key of `sort` and `dedupe`. */
export interface SortKey {
  column: string;
  desc: boolean;
  nulls?: 'first' | 'last';
}

/** An output column of `select` (from a column or an expression) or of `derive`. */
export interface OutputColumn {
  name: string;
  /** A column of the input, quoted when compiled. */
  column?: string;
  /** A SQL expression, checked and templated when compiled. */
  expr?: string;
  /** A canonical DuckDB type (see duckdb-type.ts), safe to splice into a CAST. */
  cast?: string;
  /** TRY_CAST: NULL instead of an error where the value does not convert. */
  tryCast?: boolean;
}

/** A transform step, normalised. */
export type TransformStep =
  | { kind: 'filter'; conditions: string[] }
  | { kind: 'select'; columns: OutputColumn[] }
  | { kind: 'derive'; columns: OutputColumn[] }
  | { kind: 'join'; with: string; type: JoinType; on: string[]; rightOn: string[]; select?: OutputColumn[]; prefix?: string }
  | { kind: 'aggregate'; groupBy: string[]; metrics: AggregateMetric[] }
  | { kind: 'flatten'; separator: string; explode: string[]; keepArrays: boolean | 'json'; keepEmpty: boolean; depth?: number }
  | { kind: 'dedupe'; keys: string[]; keep: 'first' | 'last'; orderBy: SortKey[] }
  | { kind: 'sort'; keys: SortKey[] }
  | { kind: 'limit'; count: number; offset: number }
  | { kind: 'union'; with: string[]; byName: boolean; distinct: boolean }
  | { kind: 'sql'; query: string }
  | { kind: 'function'; module?: string; export: string; fn?: StepFunction; batchSize?: number; columns?: ColumnInfo[] };

const name = z.string().min(1, 'expected a non-empty name');
const names = z.union([name.transform((n) => [n]), z.array(name)]);
const sqlText = z.string().trim().min(1, 'expected SQL text');

/** A DuckDB type, checked and written in canonical form. */
export const duckTypeSchema = z.string().transform((text, ctx) => {
  try {
    return formatDuckType(parseDuckType(text));
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const castFields = { cast: duckTypeSchema.optional(), try_cast: z.boolean().optional() };
const castOf = (v: { cast?: string; try_cast?: boolean }) => ({ ...(v.cast ? { cast: v.cast, tryCast: v.try_cast ?? false } : {}) });

const outputColumn = z.union([
  sqlText.transform((text) => ({ text })),
  z.object({ expr: sqlText, ...castFields }).strict(),
  z.object({ column: name, ...castFields }).strict(),
]);

/** `{ out: source_column | { expr, cast } | { column, cast } }`: a string names a column in select, an expression in derive. */
function outputColumns(stringIs: 'column' | 'expr') {
  return z.record(z.string().min(1), outputColumn).transform((record, ctx): OutputColumn[] => {
    const entries = Object.entries(record);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one column' });
    return entries.map(([out, spec]) => {
      if ('text' in spec) return { name: out, [stringIs]: spec.text };
      if ('expr' in spec) return { name: out, expr: spec.expr, ...castOf(spec) };
      return { name: out, column: spec.column, ...castOf(spec) };
    });
  });
}

const selectSchema = z.union([
  z.array(name).min(1, 'expected at least one column').transform((list) => list.map((column): OutputColumn => ({ name: column, column }))),
  outputColumns('column'),
]);

const sortKey = z.union([
  z.string().transform((text, ctx): SortKey => {
    const m = /^(.*?)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(text.trim()) as RegExpExecArray;
    const column = m[1] as string;
    if (!column) ctx.addIssue({ code: 'custom', message: `expected 'column [asc|desc] [nulls first|last]', got '${text}'` });
    return { column, desc: m[2]?.toLowerCase() === 'desc', ...(m[3] ? { nulls: m[3].toLowerCase() as 'first' | 'last' } : {}) };
  }),
  z
    .object({ column: name, desc: z.boolean().default(false), nulls: z.enum(['first', 'last']).optional() })
    .strict()
    .transform((k): SortKey => ({ column: k.column, desc: k.desc, ...(k.nulls ? { nulls: k.nulls } : {}) })),
]);
const sortKeys = z.union([sortKey.transform((k) => [k]), z.array(sortKey).min(1, 'expected at least one sort key')]);

const joinSchema = z
  .object({
    with: name,
    type: z.enum(JOIN_TYPES).default('inner'),
    on: names,
    right_on: names.optional(),
    select: z.union([z.array(name).transform((list) => list.map((column): OutputColumn => ({ name: column, column }))), outputColumns('column')]).optional(),
    prefix: z.string().optional(),
  })
  .strict()
  .superRefine((join, ctx) => {
    if (join.on.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one key column', path: ['on'] });
    if (join.right_on && join.right_on.length !== join.on.length) {
      ctx.addIssue({ code: 'custom', message: `expected ${join.on.length} key column(s), like on`, path: ['right_on'] });
    }
  });

const aggregateSchema = z
  .object({ group_by: names.default([]), metrics: z.record(z.string().min(1), aggregateMetricSchema).default({}) })
  .strict()
  .superRefine((agg, ctx) => {
    if (agg.group_by.length === 0 && Object.keys(agg.metrics).length === 0) ctx.addIssue({ code: 'custom', message: 'expected group_by or metrics' });
  });

const flattenSchema = z.preprocess(
  (v) => (v === true || v === null ? {} : v),
  z
    .object({
      separator: z.string().min(1).default('_'),
      explode: names.default([]),
      keep_arrays: z.union([z.boolean(), z.literal('json')]).default(true),
      keep_empty: z.boolean().default(false),
      depth: z.number().int().positive().optional(),
    })
    .strict(),
);

const dedupeSchema = z
  .object({ keys: names.default([]), keep: z.enum(['first', 'last']).default('first'), order_by: sortKeys.optional() })
  .strict()
  .superRefine((d, ctx) => {
    if (d.keep === 'last' && !d.order_by) ctx.addIssue({ code: 'custom', message: 'keep: last needs an order_by to say which row is last', path: ['order_by'] });
    if (d.order_by && d.keys.length === 0) ctx.addIssue({ code: 'custom', message: 'order_by needs keys: without keys, whole duplicate rows are removed', path: ['keys'] });
  });

const limitSchema = z.union([
  z.number().int().nonnegative().transform((count) => ({ count, offset: 0 })),
  z.object({ count: z.number().int().nonnegative(), offset: z.number().int().nonnegative().default(0) }).strict(),
]);

const unionSchema = z.union([
  names.transform((list) => ({ with: list, by_name: true, distinct: false })),
  z.object({ with: names, by_name: z.boolean().default(true), distinct: z.boolean().default(false) }).strict(),
]);

const functionSchema = z
  .object({
    module: z.string().min(1).optional(),
    export: z.string().min(1).default('default'),
    fn: z.custom<StepFunction>((v) => typeof v === 'function', { message: 'expected a function' }).optional(),
    batch_size: z.number().int().positive().optional(),
    columns: z.record(z.string().min(1), duckTypeSchema).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (!f.module === !f.fn) ctx.addIssue({ code: 'custom', message: f.fn ? 'give module or fn, not both' : 'expected module (a file exporting the function) or fn' });
  });

/** The schema of each step kind's value, and how it becomes a normalised step. */
const STEP_SCHEMAS: { [K in StepKind]: z.ZodType<Extract<TransformStep, { kind: K }>, unknown> } = {
  filter: z.union([sqlText, z.array(sqlText).min(1)]).transform((v) => ({ kind: 'filter' as const, conditions: typeof v === 'string' ? [v] : v })),
  select: selectSchema.transform((columns) => ({ kind: 'select' as const, columns })),
  derive: outputColumns('expr').transform((columns) => ({ kind: 'derive' as const, columns })),
  join: joinSchema.transform((j) => ({
    kind: 'join' as const,
    with: j.with,
    type: j.type,
    on: j.on,
    rightOn: j.right_on ?? j.on,
    ...(j.select ? { select: j.select } : {}),
    ...(j.prefix !== undefined ? { prefix: j.prefix } : {}),
  })),
  aggregate: aggregateSchema.transform((a) => ({
    kind: 'aggregate' as const,
    groupBy: a.group_by,
    metrics: Object.entries(a.metrics).map(([metricName, m]) => ({ name: metricName, ...m })),
  })),
  flatten: flattenSchema.transform((f) => ({
    kind: 'flatten' as const,
    separator: f.separator,
    explode: f.explode,
    keepArrays: f.keep_arrays,
    keepEmpty: f.keep_empty,
    ...(f.depth !== undefined ? { depth: f.depth } : {}),
  })),
  dedupe: dedupeSchema.transform((d) => ({ kind: 'dedupe' as const, keys: d.keys, keep: d.keep, orderBy: d.order_by ?? [] })),
  sort: sortKeys.transform((keys) => ({ kind: 'sort' as const, keys })),
  limit: limitSchema.transform((l) => ({ kind: 'limit' as const, ...l })),
  union: unionSchema.transform((u) => ({ kind: 'union' as const, with: u.with, byName: u.by_name, distinct: u.distinct })),
  sql: z.union([sqlText, z.object({ query: sqlText }).strict().transform((q) => q.query)]).transform((query) => ({ kind: 'sql' as const, query })),
  function: functionSchema.transform((f) => ({
    kind: 'function' as const,
    export: f.export,
    ...(f.module ? { module: f.module } : {}),
    ...(f.fn ? { fn: f.fn } : {}),
    ...(f.batch_size ? { batchSize: f.batch_size } : {}),
    ...(f.columns ? { columns: Object.entries(f.columns).map(([col, type]) => ({ name: col, type })) } : {}),
  })),
};

function isStepKind(key: string): key is StepKind {
  return (STEP_KINDS as readonly string[]).includes(key);
}

/**
 * One step: an object with exactly one key naming its kind. Issues of the value are reported
 * under that key (`aggregate.metrics.revenue`), so the user sees which field of which step.
 */
export const transformStepSchema: z.ZodType<TransformStep, unknown> = z.unknown().transform((value, ctx): TransformStep => {
  const kinds = STEP_KINDS.join(', ');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `expected a step such as { filter: "amount > 0" } (kinds: ${kinds})` });
    return z.NEVER;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    const got = keys.length === 0 ? 'none' : keys.map((k) => `'${k}'`).join(', ');
    ctx.addIssue({ code: 'custom', message: `a step has exactly one key naming its kind (${kinds}), got ${got}` });
    return z.NEVER;
  }
  const kind = keys[0] as string;
  if (!isStepKind(kind)) {
    ctx.addIssue({ code: 'custom', message: `unknown step kind '${kind}' (expected one of ${kinds})` });
    return z.NEVER;
  }
  const result = STEP_SCHEMAS[kind].safeParse((value as Record<string, unknown>)[kind], { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [kind, ...issue.path] } as z.core.$ZodRawIssue);
  return z.NEVER;
});
