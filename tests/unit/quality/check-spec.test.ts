import { describe, expect, it } from 'vitest';
import { ValidationError, type Issue } from '../../../src/core/errors.ts';
import { validatePipelineSpec } from '../../../src/core/spec/validate-spec.ts';
import { checkName, parseChecks } from '../../../src/quality/check.ts';
import { createTaskKindRegistry } from '../../../src/task-kinds.ts';

const kinds = createTaskKindRegistry();

function issuesOf(fn: () => unknown): Issue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** A generator source, then a transform with `checks` (tasks[1]). */
function specWithChecks(checks: unknown, kind: 'transform' | 'source' = 'transform') {
  const extra = checks === undefined ? {} : { checks };
  const source = { id: 'load', kind: 'source', outputs: ['raw'], config: { connector: { type: 'generator', count: 10 } } };
  const checked =
    kind === 'transform'
      ? { id: 'clean', kind: 'transform', inputs: ['raw'], outputs: ['clean'], config: { steps: [{ limit: 5 }], ...extra } }
      : { id: 'load2', kind: 'source', outputs: ['raw2'], config: { connector: { type: 'generator', count: 10 }, ...extra } };
  return { id: 'quality', tasks: [source, checked] };
}

describe('check specs', () => {
  it('fills in defaults and short forms', () => {
    expect(parseChecks([{ type: 'not_null', columns: 'email' }, { type: 'range', column: 'age', min: 0 }, { type: 'freshness', column: 'at', max_age: '2h' }])).toEqual([
      { type: 'not_null', columns: ['email'], severity: 'error' },
      { type: 'range', column: 'age', min: 0, inclusive: true, severity: 'error' },
      { type: 'freshness', column: 'at', max_age: 7_200_000, severity: 'error' },
    ]);
  });

  it.each([
    ['a missing column', [{ type: 'accepted_values', values: ['a'] }], 'checks[0].column', /missing required field/],
    ['an unknown type', [{ type: 'not_empty', column: 'a' }], 'checks[0].type', /unknown check type "not_empty" \(expected one of not_null, unique/],
    ['no type', [{ column: 'a' }], 'checks[0].type', /missing required field \(one of not_null/],
    ['an unknown field', [{ type: 'unique', columns: ['a'], colums: ['b'] }], 'checks[0]', /unknown field 'colums'/],
    ['a range without bounds', [{ type: 'range', column: 'a' }], 'checks[0].min', /needs min, max or both/],
    ['a row_count without bounds', [{ type: 'row_count' }], 'checks[0].min', /needs min, max or both/],
    ['a bad max_age', [{ type: 'freshness', column: 'a', max_age: 'soon' }], 'checks[0].max_age', /expected a duration/],
    ['a bad DuckDB type', [{ type: 'schema', columns: { a: 'INTEGR(' } }], 'checks[0].columns.a', /invalid DuckDB type/],
    ['no accepted values', [{ type: 'accepted_values', column: 'a', values: [] }], 'checks[0].values', /at least one value/],
    ['a bad severity', [{ type: 'not_null', columns: 'a', severity: 'fatal' }], 'checks[0].severity', /expected one of "warn", "error"/],
    ['an empty column list', [{ type: 'not_null', columns: [] }], 'checks[0].columns', /at least one column/],
    ['relationships without a field', [{ type: 'relationships', column: 'a', to: 'b' }], 'checks[0].field', /missing required field/],
  ])('refuses %s with its path', (_what, checks, path, message) => {
    const issues = issuesOf(() => parseChecks(checks));
    expect(issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('names checks after their type and columns unless given a name', () => {
    const names = parseChecks([
      { type: 'unique', columns: ['a', 'b'] },
      { type: 'relationships', column: 'customer_id', to: 'customers', field: 'id' },
      { type: 'row_count', min: 1 },
      { type: 'regex', column: 'email', pattern: '.+@.+', name: 'email_shape' },
    ]).map(checkName);
    expect(names).toEqual(['unique(a, b)', 'relationships(customer_id -> customers.id)', 'row_count', 'email_shape']);
  });
});

describe('checks in pipeline specs', () => {
  it('accepts checks on transform, source and check tasks', () => {
    const checks = [{ type: 'not_null', columns: 'event_id' }];
    expect(() => validatePipelineSpec(specWithChecks(checks), kinds)).not.toThrow();
    expect(() => validatePipelineSpec(specWithChecks(checks, 'source'), kinds)).not.toThrow();
    const standalone = { id: 'p', tasks: [{ id: 'audit', kind: 'check', inputs: ['events'], config: { checks } }] };
    expect(() => validatePipelineSpec(standalone, kinds)).not.toThrow();
    expect(kinds.configSchema('check')?.parse({ checks })).toEqual({ checks: [{ type: 'not_null', columns: ['event_id'], severity: 'error' }] });
  });

  it('reports a bad check with its path in the spec', () => {
    const issues = issuesOf(() => validatePipelineSpec(specWithChecks([{ type: 'accepted_values', values: ['a'] }]), kinds));
    expect(issues).toEqual([{ path: 'tasks[1].config.checks[0].column', message: expect.stringMatching(/^missing required field/) }]);
    const sourceIssues = issuesOf(() => validatePipelineSpec(specWithChecks([{ type: 'not_null', columns: 'a' }, { type: 'nope' }], 'source'), kinds));
    expect(sourceIssues.map((i) => i.path)).toEqual(['tasks[1].config.checks[1].type']);
  });

  it('wants at least one check in a check task', () => {
    const issues = issuesOf(() => validatePipelineSpec({ id: 'p', tasks: [{ id: 'audit', kind: 'check', inputs: ['events'], config: { checks: [] } }] }, kinds));
    expect(issues).toEqual([{ path: 'tasks[0].config.checks', message: 'expected at least one check' }]);
  });

  it('adds no default field to configs without checks', () => {
    expect(() => validatePipelineSpec(specWithChecks(undefined), kinds)).not.toThrow();
    expect(kinds.configSchema('transform')?.parse({ steps: [{ limit: 5 }] })).not.toHaveProperty('checks');
    expect(kinds.configSchema('source')?.parse({ connector: { type: 'generator', count: 1 } })).not.toHaveProperty('checks');
  });
});
