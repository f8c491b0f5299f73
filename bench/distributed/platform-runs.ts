/**
 * The pipelines the distributed benchmark runs through the platform, and a timed run of one:
 * from the trigger to the run's end, as a user of the API would see it.
 */
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import type { Platform } from '../../src/platform.ts';

/** A short CPU-bound shell command (about 0.1 s of one core here). */
export const CPU_COMMAND = "awk 'BEGIN{for(i=0;i<2e6;i++)s+=i}'";

/*
 * Every task names its pool: the benchmark keeps several worker sets alive at once, each on
 * pools of its own, so a run reaches exactly the workers meant for it. (Set on each task, not
 * through `defaults.pool`: the distributed executor routes by the task's own `pool`.)
 */

/** root -> `width - 2` no-op tasks -> sink. */
export function wideNoops(id: string, width: number, pool: string): PipelineSpecInput {
  const middle = Array.from({ length: width - 2 }, (_, i) => ({ id: `w${i}`, kind: 'noop', pool, depends_on: ['root'] }));
  return { id, tasks: [{ id: 'root', kind: 'noop', pool }, ...middle, { id: 'sink', kind: 'noop', pool, depends_on: middle.map((t) => t.id) }] };
}

/** `length` no-op tasks, each depending on the one before. */
export function chainNoops(id: string, length: number, pool: string): PipelineSpecInput {
  return { id, tasks: Array.from({ length }, (_, i) => ({ id: `c${i}`, kind: 'noop', pool, ...(i > 0 ? { depends_on: [`c${i - 1}`] } : {}) })) };
}

/** `count` independent shell tasks running the CPU loop. */
export function cpuShells(id: string, count: number, pool: string): PipelineSpecInput {
  return { id, tasks: Array.from({ length: count }, (_, i) => ({ id: `cpu${i}`, kind: 'shell', pool, config: { command: CPU_COMMAND } })) };
}

export interface TimedRun {
  ms: number;
  tasks: number;
  /** Distinct workers that ran an attempt. */
  workers: number;
  /** Attempts that name no worker (the server never saw their start). */
  unattributed: number;
}

/**
 * Registers the spec (a no-op when already registered). Apart from the run: a pipeline is
 * registered once and run many times, so its hashing is no part of a run's cost.
 */
export async function registered(platform: Platform, spec: PipelineSpecInput): Promise<PipelineSpecInput> {
  await platform.registerSpec(spec);
  return spec;
}

/** Runs a registered spec and fails unless the run succeeded. */
export async function timedRun(platform: Platform, spec: PipelineSpecInput): Promise<TimedRun> {
  const started = performance.now();
  const run = await platform.triggerRun(spec.id, { trigger: 'bench' });
  const done = await platform.waitForRun(run.id);
  const ms = performance.now() - started;
  if (done.status !== 'succeeded') throw new Error(`bench run of ${spec.id} ended ${done.status}: ${done.error ?? ''}`);
  const detail = await platform.getRunDetail(run.id);
  const workers = detail.attempts.map((a) => a.worker);
  return { ms, tasks: spec.tasks.length, workers: new Set(workers.filter(Boolean)).size, unattributed: workers.filter((w) => !w).length };
}
