/**
 * Builds the context object a connector method receives, for the data plane, the
 * `datadog connector test` command and connector authors' own tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConnectorContext, ConnectorLogger, ConnectorState } from './connector.ts';

/** State kept in memory: for one-off calls (`connector test`) and tests. */
export class MemoryConnectorState implements ConnectorState {
  private value: unknown;

  constructor(initial?: unknown) {
    this.value = initial;
  }

  async get<T = unknown>(): Promise<T | undefined> {
    return this.value as T | undefined;
  }

  async set(value: unknown): Promise<void> {
    this.value = value;
  }
}

const silentLogger: ConnectorLogger = { info: () => undefined, warn: () => undefined };

export interface ConnectorContextOptions<C> {
  config: C;
  signal?: AbortSignal;
  log?: ConnectorLogger;
  baseDir?: string;
  tempDir?: string;
  state?: ConnectorState;
  params?: Record<string, unknown>;
}

/**
 * A context with defaults for everything but the config. Without `tempDir` a fresh one is made;
 * call `dispose()` to remove it.
 */
export async function createConnectorContext<C>(options: ConnectorContextOptions<C>): Promise<ConnectorContext<C> & { dispose(): Promise<void> }> {
  const ownTemp = options.tempDir === undefined;
  const tempDir = options.tempDir ?? (await mkdtemp(path.join(os.tmpdir(), 'dd-conn-')));
  return {
    config: options.config,
    signal: options.signal ?? new AbortController().signal,
    log: options.log ?? silentLogger,
    baseDir: options.baseDir ?? process.cwd(),
    tempDir,
    state: options.state ?? new MemoryConnectorState(),
    params: options.params ?? {},
    dispose: async () => {
      if (ownTemp) await rm(tempDir, { recursive: true, force: true });
    },
  };
}
