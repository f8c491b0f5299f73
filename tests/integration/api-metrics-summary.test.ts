/**
 * The runs overview (GET /api/v1/metrics/summary): from real runs through the API, and from
 * runs written at known times so buckets and percentiles can be checked exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsSummary } from '../../src/api/metrics-summary.ts';
import type { RunStatus } from '../../src/core/statuses.ts';
import type { RunRecord } from '../../src/store/store.ts';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { openApi, shellChain, type ApiHarness } from './api-helpers.ts';

describe('GET /api/v1/metrics/summary', () => {
  let api: ApiHarness;
  let failedRun: string;

  beforeAll(async () => {
    api = await openApi();
    await api.call('POST', '/api/v1/pipelines', { spec: shellChain('good', { a: 'echo ok' }) });
    await api.call('POST', '/api/v1/pipelines', { spec: shellChain('bad', { a: 'exit 3' }, { defaults: { retries: { max: 0 } } }) });
    for (const id of ['good', 'good', 'bad']) {
      const { run } = (await api.call('POST', `/api/v1/pipelines/${id}/execute`, {})).json();
      await api.platform.waitForRun(run.id);
      if (id === 'bad') failedRun = run.id;
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  it('summarises the last 24 hours by default', async () => {
    const res = await api.call('GET', '/api/v1/metrics/summary');
    expect(res.statusCode).toBe(200);
    const summary = res.json();
    expect(summary.runsByStatus).toEqual({ queued: 0, running: 0, succeeded: 2, failed: 1, cancelled: 0 });
    expect(summary.successRate).toBeCloseTo(2 / 3);
    expect(summary.durations.p50Ms).toEqual(expect.any(Number));
    expect(summary.durations.p95Ms).toBeGreaterThanOrEqual(summary.durations.p50Ms);
    expect(summary.inProgress).toEqual([]);
    expect(summary.recentFailures.map((run: { id: string }) => run.id)).toEqual([failedRun]);
    expect(summary.truncated).toBe(false);
    // Hourly buckets over 24 hours: 24 or 25 depending on where the hour falls.
    expect(summary.runsOverTime.length).toBeGreaterThanOrEqual(24);
    const last = summary.runsOverTime[summary.runsOverTime.length - 1];
    expect(last).toEqual({ bucket: expect.stringMatching(/T\d\d:00:00\.000Z$/), succeeded: 2, failed: 1, cancelled: 0, running: 0 });
  });

  it('narrows to one pipeline and to a later window', async () => {
    const good = (await api.call('GET', '/api/v1/metrics/summary?pipeline=good')).json();
    expect(good.runsByStatus).toMatchObject({ succeeded: 2, failed: 0 });
    expect(good.successRate).toBe(1);

    const later = (await api.call('GET', `/api/v1/metrics/summary?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).json();
    expect(later.runsByStatus.succeeded).toBe(0);
    expect(later.successRate).toBeNull();
    expect(later.durations).toEqual({ p50Ms: null, p95Ms: null });
  });

  it('refuses a window over a year or a since that is not a time', async () => {
    const old = await api.call('GET', '/api/v1/metrics/summary?since=2001-01-01');
    expect(old.statusCode).toBe(400);
    expect(old.json().error.details.issues[0].path).toBe('query.since');
    expect((await api.call('GET', '/api/v1/metrics/summary?since=soon')).statusCode).toBe(400);
  });
});

describe('metricsSummary', () => {
  let test: TestPlatform;
  let version: string;
  const now = new Date('2026-03-10T12:30:00.000Z');

  /** A run created `hoursAgo` before now that took `ms` (when finished). */
  function run(id: string, status: RunStatus, hoursAgo: number, ms: number | null): RunRecord {
    const created = new Date(now.getTime() - hoursAgo * 3_600_000);
    const finished = ms === null ? null : new Date(created.getTime() + ms).toISOString();
    return {
      id,
      pipelineId: 'p',
      pipelineVersion: version,
      status,
      params: {},
      trigger: 'api',
      parentRunId: null,
      createdAt: created.toISOString(),
      startedAt: created.toISOString(),
      finishedAt: finished,
      error: status === 'failed' ? 'boom' : null,
      cancelRequested: false,
      owner: null,
      leaseExpiresAt: null,
    };
  }

  beforeAll(async () => {
    test = await createTestPlatform();
    const { store } = test.platform;
    ({ version } = await test.platform.registerSpec({ id: 'p', tasks: [{ id: 'a', kind: 'noop' }] }));
    const runs = [
      run('r1', 'succeeded', 0.2, 1000),
      run('r2', 'succeeded', 0.3, 2000),
      run('r3', 'failed', 2.1, 3000),
      run('r4', 'cancelled', 2.2, 4000),
      run('r5', 'running', 0.1, null),
      run('r6', 'succeeded', 30, 100_000),
      run('r7', 'succeeded', 100, 5000),
    ];
    for (const record of runs) await store.createRun({ run: record, taskRuns: [] });
  });

  afterAll(async () => {
    await test?.dispose();
  });

  it('buckets by hour within two days and reports percentiles of finished runs', async () => {
    const summary = await metricsSummary(test.platform.store, { now, since: new Date(now.getTime() - 3 * 3_600_000).toISOString() });
    expect(summary.runsByStatus).toEqual({ queued: 0, running: 1, succeeded: 2, failed: 1, cancelled: 1 });
    expect(summary.runsOverTime).toEqual([
      { bucket: '2026-03-10T09:00:00.000Z', succeeded: 0, failed: 0, cancelled: 0, running: 0 },
      { bucket: '2026-03-10T10:00:00.000Z', succeeded: 0, failed: 1, cancelled: 1, running: 0 },
      { bucket: '2026-03-10T11:00:00.000Z', succeeded: 0, failed: 0, cancelled: 0, running: 0 },
      { bucket: '2026-03-10T12:00:00.000Z', succeeded: 2, failed: 0, cancelled: 0, running: 1 },
    ]);
    expect(summary.successRate).toBeCloseTo(2 / 3);
    // Durations 1000, 2000, 3000, 4000: nearest rank.
    expect(summary.durations).toEqual({ p50Ms: 2000, p95Ms: 4000 });
    expect(summary.inProgress.map((r) => r.id)).toEqual(['r5']);
    expect(summary.recentFailures.map((r) => r.id)).toEqual(['r3']);
  });

  it('buckets by UTC day over longer windows and says when it counted only the newest runs', async () => {
    const summary = await metricsSummary(test.platform.store, { now, since: '2026-03-05T00:00:00.000Z', maxRuns: 5 });
    expect(summary.runsOverTime.map((b) => b.bucket.slice(0, 10))).toEqual(['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(summary.truncated).toBe(true);
    expect(Object.values(summary.runsByStatus).reduce((a, b) => a + b, 0)).toBe(5);
  });
});
