/**
 * Run params: checked against the pipeline's declared params when a run is triggered, with
 * defaults filled in. `--param k=v` text from the CLI is coerced to the declared type.
 */
import { ValidationError, type Issue } from '../errors.ts';
import type { ParamSpec, PipelineSpec } from './pipeline-spec.ts';

export type ParamValues = Record<string, unknown>;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function coerce(name: string, spec: ParamSpec, value: unknown, issues: Issue[]): unknown {
  const bad = (message: string): undefined => {
    issues.push({ path: `params.${name}`, message });
    return undefined;
  };
  let out: unknown = value;
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') {
        if (typeof value === 'number' || typeof value === 'boolean') out = String(value);
        else return bad(`expected a string, got ${JSON.stringify(value)}`);
      }
      break;
    case 'number':
    case 'integer': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad(`expected ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`);
      if (spec.type === 'integer' && !Number.isInteger(n)) return bad(`expected an integer, got ${JSON.stringify(value)}`);
      out = n;
      break;
    }
    case 'boolean':
      if (value === 'true' || value === true) out = true;
      else if (value === 'false' || value === false) out = false;
      else return bad(`expected true or false, got ${JSON.stringify(value)}`);
      break;
    case 'date':
      if (typeof value !== 'string' || !DATE_PATTERN.test(value) || Number.isNaN(Date.parse(value))) {
        return bad(`expected a date such as 2026-01-31, got ${JSON.stringify(value)}`);
      }
      break;
    case 'json':
      if (typeof value === 'string') {
        try {
          out = JSON.parse(value);
        } catch {
          return bad(`expected JSON, got ${JSON.stringify(value)}`);
        }
      }
      break;
  }
  if (spec.enum && !spec.enum.includes(out as string | number | boolean)) {
    return bad(`expected one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(out)}`);
  }
  return out;
}

/**
 * Resolves the params of a run: declared ones checked and defaulted, unknown ones refused.
 * Throws a ValidationError (code PARAM_INVALID) naming every bad param.
 */
export function resolveParams(spec: Pick<PipelineSpec, 'params'>, given: ParamValues = {}): ParamValues {
  const issues: Issue[] = [];
  const out: ParamValues = {};
  for (const name of Object.keys(given)) {
    if (!(name in spec.params)) {
      const known = Object.keys(spec.params);
      issues.push({ path: `params.${name}`, message: `unknown param (declared: ${known.length ? known.join(', ') : 'none'})` });
    }
  }
  for (const [name, param] of Object.entries(spec.params)) {
    const value = given[name];
    if (value === undefined || value === null) {
      if (param.default !== undefined) out[name] = param.default;
      else if (param.required) issues.push({ path: `params.${name}`, message: `required param is missing (${param.type})` });
      continue;
    }
    const coerced = coerce(name, param, value, issues);
    if (coerced !== undefined) out[name] = coerced;
  }
  if (issues.length > 0) throw new ValidationError('invalid run params', issues, 'PARAM_INVALID');
  return out;
}

/** Parses CLI `k=v` pairs into raw values (strings, coerced later by resolveParams). */
export function parseParamPairs(pairs: readonly string[]): ParamValues {
  const out: ParamValues = {};
  pairs.forEach((pair, i) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ValidationError('malformed --param', [{ path: `--param[${i}]`, message: `expected key=value, got '${pair}'` }], 'PARAM_INVALID');
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  });
  return out;
}
