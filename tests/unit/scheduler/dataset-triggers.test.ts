import { afterEach, describe, expect, it } from 'vitest';
import type { PipelineSpecInput } from '../../../src/core/spec/pipeline-spec.ts';
import { ManualClock } from '../../../src/runtime/clock.ts';
import { Scheduler } from '../../../src/scheduler/scheduler.ts';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

let opened: Array<{ t: TestPlatform; schedulers: Scheduler[] }> = [];
afterEach(async () => {
  for (const { t, schedulers } of opened) {
    for (const s of schedulers) await s.stop();
    await Promise.all(t.platform.engine.activeRunIds().map((id) => t.platform.waitForRun(id)));
    await t.dispose();
  }
  opened = [];
});

const producer = (id: string, dataset: string): PipelineSpecInput => ({
  id,
  tasks: [{ id: 'generate', kind: 'source', outputs: [dataset], config: { connector: { type: 'generator', seed: 1, count: 10 } } }],
});

const consumer = (id: string, dataset: string): PipelineSpecInput => ({ id, triggers: [{ dataset }], tasks: [{ id: 'react', kind: 'noop' }] });

async function runToEnd(t: TestPlatform, pipelineId: string): Promise<void> {
  const run = await t.platform.triggerRun(pipelineId);
  expect((await t.platform.waitForRun(run.id)).status).toBe('succeeded');
}

describe('data-aware triggers', () => {
  it('runs a pipeline once for each version of a dataset another pipeline publishes', async () => {
    const t = await createTestPlatform();
    const clock = new ManualClock();
    const scheduler = new Scheduler({ platform: t.platform, clock });
    // A second scheduler without leader election: the per-version claim alone keeps runs unique.
    const rival = new Scheduler({ platform: t.platform, clock, leaderElection: false });
    opened.push({ t, schedulers: [scheduler, rival] });
    await t.platform.registerSpec(producer('producer', 'orders'));
    await t.platform.registerSpec(consumer('consumer', 'orders'));
    await t.platform.registerSpec(consumer('bystander', 'customers'));

    // Published before the scheduler first looked: history, not a trigger.
    await runToEnd(t, 'producer');
    expect((await scheduler.tick()).triggered).toEqual([]);

    await runToEnd(t, 'producer');
    const [version] = await t.platform.store.listDatasetVersions({ dataset: 'orders', status: ['published'], limit: 1 });
    const first = await scheduler.tick();
    expect(first.triggered).toEqual([{ pipelineId: 'consumer', dataset: 'orders', versionId: version!.id, runId: expect.any(String) }]);
    const run = await t.platform.waitForRun(first.triggered[0]!.runId!);
    expect(run).toMatchObject({ pipelineId: 'consumer', trigger: 'dataset', status: 'succeeded' });

    expect((await scheduler.tick()).triggered).toEqual([]);
    expect((await rival.tick()).triggered).toEqual([]);

    await runToEnd(t, 'producer');
    const [second, third] = await Promise.all([rival.tick(), scheduler.tick()]);
    expect([...second.triggered, ...third.triggered].map((x) => x.pipelineId)).toEqual(['consumer']);
    const triggered = await t.platform.store.listRuns({ pipelineId: 'consumer' });
    expect(triggered).toHaveLength(2);
    expect(await t.platform.store.listRuns({ pipelineId: 'bystander' })).toEqual([]);
    expect((await t.platform.store.listDatasetTriggers('consumer')).map((x) => x.runId).sort()).toEqual(triggered.map((r) => r.id).sort());
  });

  it('does not let a pipeline trigger itself by publishing the dataset it listens to', async () => {
    const t = await createTestPlatform();
    const scheduler = new Scheduler({ platform: t.platform, clock: new ManualClock() });
    opened.push({ t, schedulers: [scheduler] });
    await t.platform.registerSpec({ ...producer('loop', 'events'), triggers: [{ dataset: 'events' }] });
    await scheduler.tick();
    await runToEnd(t, 'loop');
    expect((await scheduler.tick()).triggered).toEqual([]);
  });
});
