import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.ts';
import { parseYamlMapping } from '../../src/core/spec/yaml-source.ts';
import { validatePipelineSpec } from '../../src/core/spec/validate-spec.ts';
import { specVersion } from '../../src/core/spec/spec-version.ts';
import { TaskKindRegistry } from '../../src/runtime/task-kind-registry.ts';
import { registerBuiltinTaskKinds } from '../../src/runtime/task-kinds/builtin-task-kinds.ts';

const kinds = registerBuiltinTaskKinds(new TaskKindRegistry());

function issuesOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    validatePipelineSpec(raw, kinds);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected the spec to be refused');
}

const task = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'noop', ...extra });

describe('pipeline spec validation', () => {
  it('accepts a minimal spec and fills in defaults', () => {
    const { spec } = validatePipelineSpec({ id: 'p', tasks: [task('a')] }, kinds);
    expect(spec.tasks[0]).toMatchObject({ id: 'a', kind: 'noop', depends_on: [], trigger_rule: 'all_success', config: {} });
    expect(spec.tags).toEqual([]);
  });

  it('parses durations and retry shorthands', () => {
    const { spec } = validatePipelineSpec(
      { id: 'p', defaults: { timeout: '2m', retries: 3 }, tasks: [task('a', { timeout: '1.5s', retries: { max: 2, backoff: { base: '100ms', cap: '2s' } } })] },
      kinds,
    );
    expect(spec.defaults.timeout).toBe(120_000);
    expect(spec.defaults.retries?.max).toBe(3);
    expect(spec.tasks[0]?.timeout).toBe(1500);
    expect(spec.tasks[0]?.retries).toMatchObject({ max: 2, backoff: { base: 100, cap: 2000, factor: 2 }, jitter: 'full' });
  });

  const badCases: Array<[string, unknown, string, RegExp]> = [
    ['a missing id', { tasks: [task('a')] }, 'id', /required/],
    ['a non-string id', { id: 5, tasks: [task('a')] }, 'id', /expected a string/],
    ['an id with spaces', { id: 'my pipeline', tasks: [task('a')] }, 'id', /expected an id/],
    ['no tasks', { id: 'p', tasks: [] }, 'tasks', /at least one task/],
    ['tasks not a list', { id: 'p', tasks: { a: 1 } }, 'tasks', /expected an array/],
    ['retries.max as text', { id: 'p', tasks: [task('a'), task('b'), task('c', { retries: { max: 'x' } })] }, 'tasks[2].retries.max', /expected a number/],
    ['negative retries', { id: 'p', tasks: [task('a', { retries: { max: -1 } })] }, 'tasks[0].retries.max', /too small|>=/],
    ['a bad duration', { id: 'p', tasks: [task('a', { timeout: 'soon' })] }, 'tasks[0].timeout', /expected a duration/],
    ['an unknown trigger rule', { id: 'p', tasks: [task('a', { trigger_rule: 'sometimes' })] }, 'tasks[0].trigger_rule', /expected one of/],
    ['an unknown field', { id: 'p', tasks: [task('a', { colour: 'red' })] }, 'tasks[0]', /unknown field 'colour'/],
    ['an unknown task kind', { id: 'p', tasks: [task('a', { kind: 'teleport' })] }, 'tasks[0].kind', /unknown task kind 'teleport'/],
    ['a shell task without command', { id: 'p', tasks: [{ id: 'a', kind: 'shell', config: {} }] }, 'tasks[0].config.command', /required/],
    ['a sleep with a bad duration', { id: 'p', tasks: [{ id: 'a', kind: 'sleep', config: { duration: 'forever' } }] }, 'tasks[0].config.duration', /duration/],
    ['a script without code', { id: 'p', tasks: [{ id: 'a', kind: 'script' }] }, 'tasks[0]', /needs `run`/],
    ['a bad param type', { id: 'p', params: { day: { type: 'calendar' } }, tasks: [task('a')] }, 'params.day.type', /expected one of/],
    ['a required param with a default', { id: 'p', params: { day: { type: 'date', required: true, default: '2026-01-01' } }, tasks: [task('a')] }, 'params.day', /required param cannot have a default/],
    ['an unknown dependency', { id: 'p', tasks: [task('a', { depends_on: ['ghost'] })] }, 'tasks[0].depends_on[0]', /unknown task 'ghost'/],
    ['a duplicate task id', { id: 'p', tasks: [task('a'), task('a')] }, 'tasks[1].id', /duplicate task id 'a'/],
    ['a self dependency', { id: 'p', tasks: [task('a', { depends_on: ['a'] })] }, 'tasks[0].depends_on[0]', /depends on itself/],
    ['two writers of a dataset', { id: 'p', tasks: [task('a', { outputs: ['x'] }), task('b', { outputs: ['x'] })] }, 'tasks[1].outputs', /already written by task 'a'/],
  ];

  it.each(badCases)('refuses %s with the path', (_name, raw, path, message) => {
    const issues = issuesOf(raw);
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('prints the cycle in execution order', () => {
    const issues = issuesOf({ id: 'p', tasks: [task('a', { depends_on: ['c'] }), task('b', { depends_on: ['a'] }), task('c', { depends_on: ['b'] }), task('d')] });
    expect(issues[0]?.message).toMatch(/^cycle: /);
    const cycle = (issues[0]?.message ?? '').replace('cycle: ', '').split(' -> ');
    expect(cycle).toHaveLength(4);
    expect(cycle[0]).toBe(cycle[3]);
    expect(new Set(cycle)).toEqual(new Set(['a', 'b', 'c']));
    // Each step follows an edge: a -> b means b depends on a.
    const deps: Record<string, string> = { a: 'c', b: 'a', c: 'b' };
    for (let i = 0; i < 3; i++) expect(deps[cycle[i + 1] as string]).toBe(cycle[i]);
  });

  it('versions specs by content', () => {
    const a = validatePipelineSpec({ id: 'p', tasks: [task('a')] }, kinds).spec;
    const b = validatePipelineSpec({ tasks: [task('a')], id: 'p' }, kinds).spec;
    const c = validatePipelineSpec({ id: 'p', tasks: [task('a'), task('b')] }, kinds).spec;
    expect(specVersion(a)).toBe(specVersion(b));
    expect(specVersion(a)).not.toBe(specVersion(c));
  });
});

describe('YAML hazards', () => {
  it('refuses an alias bomb quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    }
    const started = Date.now();
    expect(() => parseYamlMapping(lines.join('\n'), 'bomb.yaml')).toThrow(/alias/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a document over the size cap', () => {
    const big = `id: p\ndescription: "${'x'.repeat(1024 * 1024 + 10)}"\n`;
    expect(() => parseYamlMapping(big, 'big.yaml')).toThrow(/over the 1048576-byte limit/);
  });

  it.each([
    ['a list', '- a\n- b\n', /root must be a mapping.*a list/],
    ['a scalar', 'hello\n', /root must be a mapping.*a string/],
    ['an empty document', '', /root must be a mapping.*empty/],
  ])('refuses %s as root', (_name, text, message) => {
    expect(() => parseYamlMapping(text, 'x.yaml')).toThrow(message);
  });

  it('refuses duplicate keys and several documents, with a location', () => {
    expect(() => parseYamlMapping('id: a\nid: b\n', 'dup.yaml')).toThrow(/line 2/);
    expect(() => parseYamlMapping('id: a\n---\nid: b\n', 'multi.yaml')).toThrow(/invalid YAML/);
  });

  it('reports syntax errors with line and column', () => {
    try {
      parseYamlMapping('id: p\ntasks:\n  - id: a\n   kind: [noop\n', 'broken.yaml');
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as ValidationError).code).toBe('YAML_INVALID');
      expect((error as ValidationError).issues[0]?.path).toMatch(/line \d+, column \d+/);
    }
  });
});
