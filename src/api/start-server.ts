/**
 * Starts the API server for real: registers the example pipelines, takes over runs that a
 * stopped process left behind, starts the scheduler (cron schedules, dataset triggers,
 * backfills), listens, and closes in order (scheduler first, so no new run starts; then the
 * server, so no request reaches a closed store; then the platform).
 */
import type { AddressInfo } from 'node:net';
import { PlatformError } from '../core/errors.ts';
import type { Platform } from '../platform.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { buildServer } from './server.ts';

export interface StartServerOptions {
  platform: Platform;
  host: string;
  /** 0 lets the OS pick a free port; the returned url has the real one. */
  port: number;
  /** Every pipeline file in this folder is registered at start; a bad file is logged and skipped. */
  examplesDir?: string;
  /** Log every request (off by default: CLIs and the UI poll often). */
  logRequests?: boolean;
  /** Run the scheduler loop (default true); off, schedules and triggers fire on other servers only. */
  runScheduler?: boolean;
}

export interface RunningServer {
  /** Base URL clients use, e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** Stops accepting requests, waits for the ones in flight, then closes the platform. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts listening. The caller owns the platform until this resolves; afterwards `close()`
 * closes it too. When listening fails, the platform is left open for the caller to close.
 * @example
 * const server = await startServer({ platform, host: '127.0.0.1', port: 8000, examplesDir: 'examples' });
 * process.once('SIGTERM', () => void server.close());
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { platform } = options;
  const log = platform.logger;
  if (options.examplesDir) {
    const { results, errors } = await platform.registerDirectory(options.examplesDir);
    for (const { file, error } of errors) log.warn({ file, code: error.code, err: error }, `skipped pipeline file ${file}: ${error.message}`);
    log.info({ dir: options.examplesDir, registered: results.map((r) => r.pipeline.id), failed: errors.length }, `registered ${results.length} pipeline(s) from ${options.examplesDir}`);
  }
  const resumed = await platform.resumeOrphanedRuns();
  if (resumed.length > 0) log.info({ run_ids: resumed }, `resumed ${resumed.length} orphaned run(s)`);

  const scheduler = new Scheduler({ platform });
  const app = await buildServer({ platform, logger: options.logRequests ?? false, scheduler });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await scheduler.stop().catch(() => undefined);
    await app.close().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new PlatformError('CONFLICT', `port ${options.port} on ${options.host} is already in use; choose another with --port (0 picks a free one)`, { host: options.host, port: options.port }, { cause: error });
    }
    throw new PlatformError('INTERNAL', `cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`, undefined, { cause: error });
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${urlHost(options.host)}:${address.port}`;
  log.info({ url }, `listening on ${url}`);
  if (options.runScheduler ?? true) scheduler.start();

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= (async () => {
        await scheduler.stop();
        await app.close();
        await platform.close();
        log.info('server stopped');
      })();
      return closing;
    },
  };
}

/** The host to put in a URL: wildcard binds are reached through loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
