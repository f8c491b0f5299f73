import { describe, expect, it } from 'vitest';
import { parseParamPairs, resolveParams } from '../../src/core/spec/params.ts';
import { ValidationError } from '../../src/core/errors.ts';

const spec = {
  params: {
    name: { type: 'string' as const, required: false, default: 'world' },
    rows: { type: 'integer' as const, required: false, default: 3 },
    ratio: { type: 'number' as const, required: false },
    dry_run: { type: 'boolean' as const, required: false, default: false },
    day: { type: 'date' as const, required: true },
    env: { type: 'string' as const, required: false, enum: ['dev', 'prod'] },
    extra: { type: 'json' as const, required: false },
  },
};

describe('run params', () => {
  it('fills defaults and coerces CLI text to the declared types', () => {
    const params = resolveParams(spec, parseParamPairs(['rows=10', 'ratio=0.5', 'dry_run=true', 'day=2026-01-31', 'extra={"a":1}', 'env=prod']));
    expect(params).toEqual({ name: 'world', rows: 10, ratio: 0.5, dry_run: true, day: '2026-01-31', env: 'prod', extra: { a: 1 } });
  });

  it.each([
    [{ day: '2026-01-31', rows: '3.5' }, 'params.rows', /expected an integer/],
    [{ day: '2026-01-31', ratio: 'abc' }, 'params.ratio', /expected a number/],
    [{ day: '2026-01-31', dry_run: 'maybe' }, 'params.dry_run', /true or false/],
    [{ day: 'yesterday' }, 'params.day', /expected a date/],
    [{}, 'params.day', /required param is missing/],
    [{ day: '2026-01-31', env: 'staging' }, 'params.env', /expected one of "dev", "prod"/],
    [{ day: '2026-01-31', extra: '{nope' }, 'params.extra', /expected JSON/],
    [{ day: '2026-01-31', colour: 'red' }, 'params.colour', /unknown param/],
  ])('refuses %j', (given, path, message) => {
    try {
      resolveParams(spec, given);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('PARAM_INVALID');
      const issue = (error as ValidationError).issues.find((i) => i.path === path);
      expect(issue?.message).toMatch(message);
    }
  });

  it('refuses a malformed pair', () => {
    expect(() => parseParamPairs(['novalue'])).toThrow(/expected key=value/);
  });
});
