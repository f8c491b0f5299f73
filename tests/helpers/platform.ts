/**
 * A platform on a fresh temp-dir SQLite store, for tests that drive the real engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PipelineSpecInput } from '../../src/core/spec/pipeline-spec.ts';
import { createPlatform, type CreatePlatformOptions, type Platform } from '../../src/platform.ts';
import { createLogger } from '../../src/observability/logger.ts';

export interface TestPlatform {
  platform: Platform;
  home: string;
  dispose(): Promise<void>;
}

export async function createTestPlatform(options: CreatePlatformOptions = {}): Promise<TestPlatform> {
  const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), 'dd-test-')));
  const platform = await createPlatform({ logger: createLogger({ level: 'silent', pretty: false }), ...options, home });
  return {
    platform,
    home,
    dispose: async () => {
      await platform.close();
      if (!options.home) await rm(home, { recursive: true, force: true });
    },
  };
}

/**
 * Registers a spec as if read from `<dir>/<id>.yaml` (relative paths resolve against `dir`),
 * runs it to its end, and returns the run with its task runs by id.
 */
export async function runSpec(platform: Platform, dir: string, spec: PipelineSpecInput, params: Record<string, unknown> = {}) {
  await platform.registerSpec(spec, { sourcePath: path.join(dir, `${spec.id}.yaml`) });
  const started = await platform.triggerRun(spec.id, { params });
  const finished = await platform.waitForRun(started.id);
  const detail = await platform.getRunDetail(started.id);
  return { run: finished, runId: started.id, tasks: Object.fromEntries(detail.tasks.map((x) => [x.taskId, x])) };
}
