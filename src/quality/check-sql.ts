/**
 * The SQL of row-level checks: each check becomes the SELECT of the rows that fail it, read
 * from the checked relation (the dataset version, narrowed by the check's `where`). Every
 * column name, value and pattern reaches SQL through sql-quote.ts; `where` and `custom_sql`
 * are user SQL by design, held to one expression or one query by sql-guard.ts.
 */
import { assertSingleQuery, assertSqlExpression } from '../engine/transforms/sql-guard.ts';
import { renderSqlTemplate } from '../engine/transforms/sql-template.ts';
import { quoteIdent, quoteLiteral, sqlValue } from '../engine/sql-quote.ts';
import type { CheckSpec } from './check.ts';

/** Alias of the checked relation in generated SQL; long enough not to meet a user's column. */
export const ROW_ALIAS = '__dd_row';

/** What a row-level check compiles to. */
export interface RowCheckSql {
  /** The SELECT of the failing rows. */
  failingSql: string;
  /** The failing rows in words, after their count: `3 rows` + ` where email is NULL`. */
  what: string;
  /** Columns that order the sample (duplicates of `unique` side by side). */
  sampleOrder?: string[];
}

/** What compiling a check may need besides the check. */
export interface CheckSqlContext {
  /** The checked relation, usable after FROM. */
  relation: string;
  /** Resolves another dataset to a relation (relationships, `{{ ref('name') }}`). */
  resolveDataset: (name: string) => Promise<string>;
  /** Run params for `{{ params.name }}` in `where` and `custom_sql`. */
  params: Readonly<Record<string, unknown>>;
  /** Where the check sits in the spec, for errors (`tasks.clean.config.checks[2]`). */
  path: string;
}

/** The relation a check reads: the dataset version, narrowed by `where` when the check has one. */
export function checkedRelation(check: CheckSpec, context: CheckSqlContext): string {
  if (!check.where) return context.relation;
  const path = `${context.path}.where`;
  assertSqlExpression(check.where, path);
  const condition = renderSqlTemplate(check.where, { params: context.params, path });
  return `(SELECT * FROM ${context.relation} AS ${ROW_ALIAS} WHERE (${condition}\n))`;
}

/**
 * The failing rows of a row-level check over `relation` (already narrowed by `where`); undefined
 * for the dataset-level types (row_count, freshness, schema), which dataset-level-checks.ts runs.
 */
export async function rowCheckSql(check: CheckSpec, relation: string, context: CheckSqlContext): Promise<RowCheckSql | undefined> {
  const from = `SELECT * FROM ${relation} AS ${ROW_ALIAS}`;
  switch (check.type) {
    case 'not_null': {
      const nulls = check.columns.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ');
      const what = check.columns.length === 1 ? `where ${check.columns[0]} is NULL` : `where any of ${check.columns.join(', ')} is NULL`;
      return { failingSql: `${from} WHERE ${nulls}`, what };
    }
    case 'unique': {
      // A key with a NULL is not compared (as in SQL's UNIQUE); not_null is the check for those.
      const keys = check.columns.map(quoteIdent);
      const failingSql = `${from} WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')} QUALIFY count(*) OVER (PARTITION BY ${keys.join(', ')}) > 1`;
      const key = check.columns.length === 1 ? check.columns[0] : `(${check.columns.join(', ')})`;
      return { failingSql, what: `share their ${key} with another row`, sampleOrder: check.columns };
    }
    case 'accepted_values':
      return { failingSql: `${from} WHERE ${notAccepted(quoteIdent(check.column), check.values)}`, what: `where ${check.column} is not one of the accepted values` };
    case 'range': {
      const value = quoteIdent(check.column);
      const [below, above] = check.inclusive ? ['<', '>'] : ['<=', '>='];
      const outside = [
        ...(check.min !== undefined ? [`${value} ${below} ${sqlValue(check.min)}`] : []),
        ...(check.max !== undefined ? [`${value} ${above} ${sqlValue(check.max)}`] : []),
      ];
      return { failingSql: `${from} WHERE ${value} IS NOT NULL AND (${outside.join(' OR ')})`, what: `where ${check.column} is outside ${rangeText(check)}` };
    }
    case 'regex': {
      const value = `CAST(${quoteIdent(check.column)} AS VARCHAR)`;
      return {
        failingSql: `${from} WHERE ${value} IS NOT NULL AND NOT regexp_full_match(${value}, ${quoteLiteral(check.pattern)})`,
        what: `where ${check.column} does not match ${check.pattern}`,
      };
    }
    case 'relationships': {
      const target = await context.resolveDataset(check.to);
      const value = `${ROW_ALIAS}.${quoteIdent(check.column)}`;
      // NOT EXISTS rather than NOT IN: a NULL among the referenced values must not hide every row.
      const failingSql = `${from} WHERE ${value} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${target} AS __dd_ref WHERE __dd_ref.${quoteIdent(check.field)} = ${value})`;
      return { failingSql, what: `where ${check.column} has no match in ${check.to}.${check.field}` };
    }
    case 'custom_sql':
      return { failingSql: `SELECT * FROM (${await renderCustomSql(check.sql, relation, context)}\n) AS ${ROW_ALIAS}`, what: 'returned by the custom SQL' };
    case 'row_count':
    case 'freshness':
    case 'schema':
      return undefined;
  }
}

/**
 * A value outside the list. Numbers and booleans compare as such, anything else as text, and a
 * value that does not convert counts as not accepted rather than failing the query.
 */
function notAccepted(value: string, values: Array<string | number | boolean>): string {
  const list = (items: unknown[]): string => items.map(sqlValue).join(', ');
  if (values.every((v) => typeof v === 'number')) return `${value} IS NOT NULL AND coalesce(TRY_CAST(${value} AS DOUBLE) NOT IN (${list(values)}), true)`;
  if (values.every((v) => typeof v === 'boolean')) return `${value} IS NOT NULL AND coalesce(TRY_CAST(${value} AS BOOLEAN) NOT IN (${list(values)}), true)`;
  return `${value} IS NOT NULL AND CAST(${value} AS VARCHAR) NOT IN (${list(values.map(String))})`;
}

function rangeText(check: Extract<CheckSpec, { type: 'range' }>): string {
  const [open, close] = check.inclusive ? ['[', ']'] : ['(', ')'];
  return `${open}${check.min ?? '-inf'}, ${check.max ?? 'inf'}${close}`;
}

const PLACEHOLDER = /\{\{\s*(.*?)\s*\}\}/g;
const REF = /^ref\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$/;
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * A custom_sql query with `{{ this }}` as the checked relation, `{{ ref('name') }}` (or
 * `{{ name }}`) as other datasets and `{{ params.name }}` as quoted run params.
 */
async function renderCustomSql(text: string, relation: string, context: CheckSqlContext): Promise<string> {
  const path = `${context.path}.sql`;
  const query = assertSingleQuery(text, path);
  // Datasets resolve asynchronously, the template renders synchronously: resolve them first.
  const refs = new Map<string, string>();
  for (const [, inner = ''] of query.matchAll(PLACEHOLDER)) {
    const ref = REF.exec(inner);
    const name = ref ? (ref[1] ?? ref[2] ?? '') : BARE_NAME.test(inner) ? inner : undefined;
    if (name !== undefined && name !== 'this' && name !== 'input' && !refs.has(name)) refs.set(name, await context.resolveDataset(name));
  }
  return renderSqlTemplate(query, { params: context.params, input: relation, ref: (name) => (name === 'this' ? relation : (refs.get(name) as string)), path });
}
