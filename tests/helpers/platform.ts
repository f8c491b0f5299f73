/**
 * A platform on a fresh temp-dir SQLite store, for tests that drive the real engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
