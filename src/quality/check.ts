/**
 * Data quality checks as users write them in a data task's `checks:` list, and the result of
 * running one. A check is one rule over a dataset version (not_null, unique, accepted_values,
 * range, regex, row_count, freshness, schema, relationships, custom_sql); its `severity` says
 * whether a failure rejects the data (`error`, the default) or is only reported (`warn`).
 *
 * @example
 * checks:
 *   - { type: not_null, columns: [id, email] }
 *   - { type: accepted_values, column: status, values: [paid, void], severity: warn }
 *   - { type: freshness, column: updated_at, max_age: 2h }
 */
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { durationSchema } from '../core/duration.ts';
import { zodIssues } from '../core/zod-issues.ts';
import { duckTypeSchema } from '../engine/transforms/index.ts';
import { CHECK_SEVERITIES, type CheckSeverity, type CheckStatus } from '../store/store.ts';

/** The check types, in the order the docs present them. */
export const CHECK_TYPES = ['not_null', 'unique', 'accepted_values', 'range', 'regex', 'row_count', 'freshness', 'schema', 'relationships', 'custom_sql'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

const column = z.string().min(1, 'expected a column name');
/** `columns: email` is short for `columns: [email]`. */
const columns = z.union([column.transform((c) => [c]), z.array(column).min(1, 'expected at least one column')]);
/** A bound of `range`: a number, or text DuckDB casts to the column's type (a date, a timestamp). */
const bound = z.union([z.number(), z.string().min(1)]);

/** Fields every check accepts. */
const common = {
  /** Shown in results and errors; default: the type and its columns, such as `not_null(email)`. */
  name: z.string().min(1).optional(),
  severity: z.enum(CHECK_SEVERITIES).default('error'),
  /** A SQL condition: only the rows that meet it are checked. */
  where: z.string().trim().min(1, 'expected a SQL condition').optional(),
};

const notNull = z.object({ type: z.literal('not_null'), columns, ...common }).strict();
const unique = z.object({ type: z.literal('unique'), columns, ...common }).strict();
const acceptedValues = z
  .object({
    type: z.literal('accepted_values'),
    column,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'expected at least one value'),
    ...common,
  })
  .strict();
const range = z
  .object({ type: z.literal('range'), column, min: bound.optional(), max: bound.optional(), inclusive: z.boolean().default(true), ...common })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'a range check needs min, max or both', path: ['min'] });
const regex = z.object({ type: z.literal('regex'), column, pattern: z.string().min(1, 'expected a regular expression'), ...common }).strict();
const rowCount = z
  .object({ type: z.literal('row_count'), min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional(), ...common })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'a row_count check needs min, max or both', path: ['min'] });
const freshness = z.object({ type: z.literal('freshness'), column, max_age: durationSchema, ...common }).strict();
const schema = z
  .object({ type: z.literal('schema'), columns: z.record(z.string().min(1), duckTypeSchema), strict: z.boolean().default(false), ...common })
  .strict();
const relationships = z
  .object({ type: z.literal('relationships'), column, to: z.string().min(1, 'expected a dataset name'), field: column, ...common })
  .strict();
const customSql = z.object({ type: z.literal('custom_sql'), sql: z.string().trim().min(1, 'expected a SELECT'), ...common }).strict();

/** One check as written in a spec; `type` picks the fields it takes. */
export const checkSpecSchema = z.discriminatedUnion('type', [notNull, unique, acceptedValues, range, regex, rowCount, freshness, schema, relationships, customSql], {
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const type = (issue.input as { type?: unknown } | undefined)?.type;
    const known = `one of ${CHECK_TYPES.join(', ')}`;
    return type === undefined ? `missing required field (${known})` : `unknown check type ${JSON.stringify(type)} (expected ${known})`;
  },
});
export type CheckSpec = z.output<typeof checkSpecSchema>;
export type CheckSpecInput = z.input<typeof checkSpecSchema>;

/** The `checks:` field that data task kinds add to their config. */
export const checksSchema = z.array(checkSpecSchema);

/** What running one check found. */
export interface CheckResult {
  name: string;
  type: CheckType;
  severity: CheckSeverity;
  status: CheckStatus;
  /** Rows that fail a row-level check; 0 for dataset-level checks (row_count, freshness, schema). */
  failingRows: number;
  /** Up to five failing rows, JSON-safe; for dataset-level checks, what was measured. */
  sample: Array<Record<string, unknown>>;
  message: string;
  durationMs: number;
}

/** The name a check goes by: its own `name`, else the type and its columns (`unique(a, b)`). */
export function checkName(check: CheckSpec): string {
  if (check.name) return check.name;
  switch (check.type) {
    case 'not_null':
    case 'unique':
      return `${check.type}(${check.columns.join(', ')})`;
    case 'accepted_values':
    case 'range':
    case 'regex':
    case 'freshness':
      return `${check.type}(${check.column})`;
    case 'relationships':
      return `relationships(${check.column} -> ${check.to}.${check.field})`;
    case 'row_count':
    case 'schema':
    case 'custom_sql':
      return check.type;
  }
}

/**
 * Validates a list of checks given outside a spec (a spec's are validated with its task's
 * config); issue paths start at `prefix`, such as `tasks[1].config.checks`.
 */
export function parseChecks(value: unknown, prefix = 'checks'): CheckSpec[] {
  const result = checksSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError('invalid checks', zodIssues(result.error, prefix));
  return result.data;
}
