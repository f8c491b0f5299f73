/**
 * `${params.name}` in URLs, query values and bodies, filled from the run's params. Values put
 * into a URL path are percent-encoded; query values are encoded when the URL is built.
 */
import { ValidationError } from '../../core/errors.ts';

const PARAM = /\$\{params\.([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_PARAM = /^\$\{params\.([A-Za-z_][A-Za-z0-9_]*)\}$/;

function paramText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function lookup(params: Readonly<Record<string, unknown>>, name: string, where: string): unknown {
  const value = params[name];
  if (value === undefined) {
    throw new ValidationError(`${where}: \${params.${name}} is not a param of this run`, [{ path: where, message: `unknown param '${name}'` }], 'PARAM_INVALID');
  }
  return value;
}

/** Replaces every `${params.name}`; `encode` is applied to each substituted value. */
export function renderTemplate(text: string, params: Readonly<Record<string, unknown>>, where: string, encode: (s: string) => string = (s) => s): string {
  return text.replace(PARAM, (_match, name: string) => encode(paramText(lookup(params, name, where))));
}

/**
 * Renders the strings of a JSON body. A string that is only `${params.x}` takes the param's
 * own value, so `"limit": "${params.limit}"` sends a number when the param is one.
 */
export function renderBody(body: unknown, params: Readonly<Record<string, unknown>>, where = 'body'): unknown {
  if (typeof body === 'string') {
    const whole = WHOLE_PARAM.exec(body);
    if (whole) {
      const value = lookup(params, whole[1] as string, where);
      return value instanceof Date ? value.toISOString() : value;
    }
    return renderTemplate(body, params, where);
  }
  if (Array.isArray(body)) return body.map((item, i) => renderBody(item, params, `${where}[${i}]`));
  if (body !== null && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, renderBody(v, params, `${where}.${k}`)]));
  }
  return body;
}
