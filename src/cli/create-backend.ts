/**
 * Picks the backend of a command from the global options: remote when a server is named
 * (`--server URL` or DATADOG_SERVER), local otherwise. Each implementation is imported only
 * when chosen, so a remote command does not load the store, the engine or SQLite.
 */
import { ValidationError } from '../core/errors.ts';
import type { CliBackend, GlobalOptions } from './backend.ts';

/** Opens the backend the options ask for; the caller closes it. */
export async function createBackend(options: GlobalOptions): Promise<CliBackend> {
  if (options.server) {
    checkServerUrl(options.server);
    const { RemoteBackend } = await import('./backends/remote-backend.ts');
    return new RemoteBackend(options.server);
  }
  const { LocalBackend } = await import('./backends/local-backend.ts');
  return LocalBackend.open({ ...(options.home ? { home: options.home } : {}), verbose: Boolean(options.verbose) });
}

/** A server URL must be http(s); anything else is a usage mistake (exit 2), not a failed request. */
function checkServerUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ValidationError('invalid --server', [{ path: '--server', message: `expected a URL such as http://127.0.0.1:8000, got '${url}'` }]);
  }
}

/**
 * Runs `fn` with a backend and closes it afterwards, also when `fn` throws.
 * @example
 * await withBackend(globals, async (backend) => print(await backend.listPipelines()));
 */
export async function withBackend<T>(options: GlobalOptions, fn: (backend: CliBackend) => Promise<T>): Promise<T> {
  const backend = await createBackend(options);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
