/**
 * The built-in generic tests (unique, not_null, accepted_values, relationships): their node
 * names, as dbt makes them up, and the SQL that selects the failing rows. Column names are used
 * as written, as dbt does (a model-level test may pass an expression).
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../core/errors.ts';
import type { SqlQuoting } from './adapters/model-adapter.ts';

/** The generic tests dbt ships with. */
export const BUILTIN_GENERIC_TESTS = ['unique', 'not_null', 'accepted_values', 'relationships'] as const;
/** One of the built-in generic tests. */
export type BuiltinGenericTest = (typeof BUILTIN_GENERIC_TESTS)[number];

/** Whether a test name is a built-in generic test. */
export function isBuiltinGenericTest(name: string): name is BuiltinGenericTest {
  return (BUILTIN_GENERIC_TESTS as readonly string[]).includes(name);
}

/** Longest node name kept whole (it is also a file name); longer ones end with a hash. */
const MAX_NAME = 200;

/**
 * The node name of a generic test: `not_null_orders_order_id`,
 * `accepted_values_orders_status__placed__shipped`, `relationships_orders_customer_id__id__ref_customers_`.
 */
export function genericTestName(testName: string, subject: string, column: string | undefined, args: Readonly<Record<string, unknown>>): string {
  const parts = [testName, subject, ...(column ? [column] : [])];
  let name = parts.join('_');
  const extras: string[] = [];
  // dbt joins the arguments in key order: `field` before `to`, `quote` before `values`.
  for (const key of Object.keys(args).sort()) {
    const value = args[key];
    if (key === 'column_name' || key === 'model') continue;
    if (Array.isArray(value)) extras.push(value.map(String).join('__'));
    else if (value !== null && typeof value === 'object') extras.push(Object.values(value).map(String).join('__'));
    else extras.push(String(value));
  }
  if (extras.length > 0) name += `__${extras.join('__')}`;
  name = name.replace(/[^A-Za-z0-9_]+/g, '_');
  if (name.length <= MAX_NAME) return name;
  return `${name.slice(0, MAX_NAME - 11)}_${createHash('md5').update(name).digest('hex').slice(0, 10)}`;
}

/** What a built-in test's SQL is made of. */
export interface GenericTestSqlInput {
  /** The relation under test, already narrowed by `where` when set. */
  model: string;
  column?: string;
  args: Readonly<Record<string, unknown>>;
  /** `relationships`: the rendered relation `to` names. */
  to?: string;
  quoting: SqlQuoting;
  /** For messages. */
  where: string;
}

function requireColumn(input: GenericTestSqlInput, test: string): string {
  const column = input.column ?? (typeof input.args.column_name === 'string' ? input.args.column_name : undefined);
  if (!column) throw new ValidationError(`${input.where}: ${test} needs a column (declare it under columns:, or pass column_name)`);
  return column;
}

/** The SELECT of failing rows of a built-in test. */
export function builtinTestSql(test: BuiltinGenericTest, input: GenericTestSqlInput): string {
  const column = requireColumn(input, test);
  switch (test) {
    case 'not_null':
      return `select *\nfrom ${input.model}\nwhere ${column} is null`;
    case 'unique':
      return `select\n    ${column} as unique_field,\n    count(*) as n_records\nfrom ${input.model}\nwhere ${column} is not null\ngroup by ${column}\nhaving count(*) > 1`;
    case 'accepted_values': {
      const values = input.args.values;
      if (!Array.isArray(values) || values.length === 0) throw new ValidationError(`${input.where}: accepted_values needs a non-empty values: list`);
      const quote = input.args.quote !== false;
      const list = values.map((v) => (quote ? input.quoting.quoteLiteral(String(v)) : String(v))).join(', ');
      return `with all_values as (\n    select ${column} as value_field, count(*) as n_records\n    from ${input.model}\n    group by ${column}\n)\nselect *\nfrom all_values\nwhere value_field not in (${list})`;
    }
    case 'relationships': {
      const field = input.args.field;
      if (!input.to || typeof field !== 'string') throw new ValidationError(`${input.where}: relationships needs to: (a ref or source) and field:`);
      return `with child as (\n    select ${column} as from_field\n    from ${input.model}\n    where ${column} is not null\n),\nparent as (\n    select ${field} as to_field\n    from ${input.to}\n)\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null`;
    }
  }
}
