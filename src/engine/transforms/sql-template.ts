/**
 * The `{{ ... }}` placeholders of user SQL in transform steps:
 * - `{{ params.since }}`: a run param, rendered as a quoted SQL literal (never raw text);
 * - `{{input}}`: the result of the previous step (only in `sql` steps);
 * - `{{ref('customers')}}` or `{{customers}}`: a named input dataset (only in `sql` steps).
 */
import { ValidationError } from '../../core/errors.ts';
import { sqlValue } from '../sql-quote.ts';

/** What placeholders may resolve to. */
export interface SqlTemplateContext {
  params: Readonly<Record<string, unknown>>;
  /** Relation of the previous step; undefined where `{{input}}` is not allowed. */
  input?: string;
  /** Resolves a dataset name to a relation; undefined where references are not allowed. */
  ref?: (name: string) => string;
  /** Location of the text in the config, for errors. */
  path: string;
}

const PLACEHOLDER = /\{\{\s*(.*?)\s*\}\}/g;
const REF = /^ref\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$/;
const PARAM = /^params\.([A-Za-z_][A-Za-z0-9_-]*)$/;
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Replaces the placeholders of a piece of user SQL.
 * @example renderSqlTemplate("day >= {{ params.since }}", { params: { since: '2025-01-01' }, path: 'steps[0].filter' })
 *   // "day >= '2025-01-01'"
 */
export function renderSqlTemplate(text: string, context: SqlTemplateContext): string {
  return text.replace(PLACEHOLDER, (_match, inner: string) => {
    const fail = (message: string): never => {
      throw new ValidationError('invalid SQL template', [{ path: context.path, message }]);
    };
    const param = PARAM.exec(inner);
    if (param) {
      const name = param[1] as string;
      if (!Object.hasOwn(context.params, name)) fail(`unknown param '${name}' in {{ ${inner} }}`);
      return sqlValue(context.params[name]);
    }
    if (inner === 'input') return context.input ?? fail('{{input}} is only available in sql steps');
    const ref = REF.exec(inner);
    const name = ref ? (ref[1] ?? ref[2] ?? '') : BARE_NAME.test(inner) ? inner : undefined;
    if (name === undefined) return fail(`unknown placeholder {{ ${inner} }}: use {{input}}, {{ref('name')}} or {{ params.name }}`);
    if (!context.ref) return fail(`dataset references such as {{ ${inner} }} are only available in sql steps`);
    return context.ref(name);
  });
}
