import { describe, expect, it } from 'vitest';
import { buildDag } from '../../src/core/dag.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/core/spec/pipeline-spec.ts';
import { backoffDelay, decideRetry } from '../../src/runtime/retry-policy.ts';
import { decideTrigger } from '../../src/runtime/trigger-rules.ts';

describe('DAG', () => {
  it('orders a diamond topologically and keeps declaration order among peers', () => {
    const dag = buildDag([
      { id: 'load', depends_on: ['left', 'right'] },
      { id: 'left', depends_on: ['extract'] },
      { id: 'right', depends_on: ['extract'] },
      { id: 'extract', depends_on: [] },
    ]);
    expect(dag.order).toEqual(['extract', 'left', 'right', 'load']);
    expect(dag.downstream.get('extract')).toEqual(['left', 'right']);
  });

  it('derives edges from datasets', () => {
    const dag = buildDag([
      { id: 'report', depends_on: [], inputs: ['clean_orders'] },
      { id: 'clean', depends_on: [], inputs: ['orders'], outputs: ['clean_orders'] },
      { id: 'ingest', depends_on: [], outputs: ['orders'] },
    ]);
    expect(dag.order).toEqual(['ingest', 'clean', 'report']);
    expect(dag.upstream.get('report')).toEqual(['clean']);
  });

  it('orders 10,000 tasks quickly', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, depends_on: i === 0 ? [] : [`t${Math.floor((i - 1) / 2)}`] }));
    const dag = buildDag(nodes);
    expect(dag.order).toHaveLength(10_000);
    expect(dag.order[0]).toBe('t0');
  });
});

describe('retry policy', () => {
  const policy: RetryPolicy = { max: 5, backoff: { type: 'exponential', base: 100, factor: 2, cap: 1000 }, jitter: 'none' };

  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws full jitter within [0, exponential]', () => {
    const jittered = { ...policy, jitter: 'full' as const };
    for (let attempt = 1; attempt <= 6; attempt++) {
      const bound = Math.min(1000, 100 * 2 ** (attempt - 1));
      for (const r of [0, 0.25, 0.999999]) {
        const delay = backoffDelay(jittered, attempt, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(bound);
      }
      expect(backoffDelay(jittered, attempt, () => 0.5)).toBe(Math.floor(bound / 2));
    }
  });

  it('stops after max retries and on non-retryable errors', () => {
    expect(decideRetry(policy, 5, {})).toMatchObject({ retry: true });
    expect(decideRetry(policy, 6, {})).toEqual({ retry: false });
    expect(decideRetry(policy, 1, { code: 'NON_RETRYABLE' })).toEqual({ retry: false });
    expect(decideRetry(DEFAULT_RETRY_POLICY, 1, {})).toEqual({ retry: false });
  });

  it('honours a retry-later delay, capped', () => {
    expect(decideRetry(policy, 1, { code: 'RETRY_LATER', retryDelayMs: 300 })).toEqual({ retry: true, delayMs: 300 });
    expect(decideRetry(policy, 1, { code: 'RETRY_LATER', retryDelayMs: 60_000 })).toEqual({ retry: true, delayMs: 1000 });
  });
});

describe('trigger rules', () => {
  it.each([
    ['all_success', ['succeeded', 'succeeded'], 'run'],
    ['all_success', ['succeeded', 'failed'], 'upstream_failed'],
    ['all_success', ['succeeded', 'upstream_failed'], 'upstream_failed'],
    ['all_success', ['succeeded', 'skipped'], 'skipped'],
    ['all_success', ['succeeded', 'cancelled'], 'cancelled'],
    ['all_done', ['failed', 'skipped'], 'run'],
    ['all_done', ['cancelled'], 'cancelled'],
    ['one_failed', ['succeeded', 'failed'], 'run'],
    ['one_failed', ['succeeded', 'succeeded'], 'skipped'],
    ['always', ['cancelled', 'failed'], 'run'],
  ] as const)('%s with %j gives %s', (rule, upstream, expected) => {
    expect(decideTrigger(rule, upstream)).toBe(expected);
  });
});
