/**
 * `datadog server`: runs the REST API (and the engine behind it) until SIGINT or SIGTERM,
 * then shuts down in order: no new requests, in-flight ones answered, runs released for
 * another process to resume, store closed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import type { RunningServer } from '../../api/start-server.ts';

interface ServerOptions {
  host?: string;
  port?: string;
  home?: string;
  examples?: string;
  logRequests?: boolean;
  executor?: string;
  redis?: string;
}

/** The package's example pipelines, registered at start so a fresh server has something to run. */
const PACKAGE_EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));

/** Builds the `server` command. */
export function serverCommand(): Command {
  return new Command('server')
    .description('run the REST API server (OpenAPI at /openapi.json, reference at /docs)')
    .option('--host <host>', 'interface to listen on (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on, 0 for any free one (env PORT)', process.env.PORT ?? '8000')
    .option('--home <dir>', 'platform home folder: SQLite store and local state (env DATADOG_HOME)')
    .option('--examples <dir>', "register every pipeline file of this folder at start (default: the package's examples/)")
    .option('--log-requests', 'log every HTTP request')
    .option('--executor <kind>', 'where tasks run: local (in this process) or distributed (on `datadog worker` processes; env DATADOG_EXECUTOR)')
    .option('--redis <url>', 'Redis for the distributed executor (env REDIS_URL)')
    .action(async (_options: ServerOptions, command: Command) => {
      // optsWithGlobals: `--home` may also be a program-wide option that the parent parsed.
      const options = command.optsWithGlobals<ServerOptions>();
      const port = parsePort(options.port ?? '8000');
      const examplesDir = options.examples ?? (existsSync(PACKAGE_EXAMPLES) ? PACKAGE_EXAMPLES : undefined);
      // Imported here so that other commands do not pay for loading the server.
      const [{ createPlatform }, { startServer }] = await Promise.all([import('../../platform.ts'), import('../../api/start-server.ts')]);
      if (options.executor && options.executor !== 'local' && options.executor !== 'distributed') {
        throw new ValidationError(`--executor: expected local or distributed, got '${options.executor}'`);
      }
      const platform = await createPlatform({
        ...(options.home ? { home: options.home } : {}),
        ...(options.executor ? { executorKind: options.executor as 'local' | 'distributed' } : {}),
        ...(options.redis ? { redisUrl: options.redis } : {}),
        host: options.host ?? '127.0.0.1',
        port,
      });
      let server: RunningServer;
      try {
        server = await startServer({
          platform,
          host: platform.config.host,
          port,
          logRequests: Boolean(options.logRequests),
          ...(examplesDir ? { examplesDir } : {}),
        });
      } catch (error) {
        await platform.close().catch(() => undefined);
        throw error;
      }
      platform.startReconciler();
      // A fresh checkout builds the UI on its first start, in the background: the API serves at once.
      void import('../../api/routes/ui.ts').then(({ ensureUiBuilt }) => ensureUiBuilt(platform.logger));
      process.stdout.write(`DataDog server listening on ${server.url} (API reference: ${server.url}/docs)\n`);
      await untilSignal();
      process.stdout.write('shutting down...\n');
      // A second signal while closing means the user wants out now.
      const force = (): never => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      await server.close();
      process.stdout.write('stopped\n');
      // Whatever handle a task or driver leaked must not keep a stopped server alive.
      setTimeout(() => process.exit(0), 2000).unref();
    });
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new ValidationError('invalid --port', [{ path: '--port', message: `expected a port number from 0 to 65535, got '${text}'` }]);
  }
  return port;
}
