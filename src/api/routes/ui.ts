/**
 * The web UI: serves the files Vite built into ui/dist, and answers every other non-API GET
 * with index.html, so the UI's own routes (/pipelines/hello, /runs/<id>) load on a reload or
 * a shared link. Registered last, so API routes always win; API-looking paths that match
 * nothing keep their JSON 404.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** The UI app folder (three levels above src/api/routes and dist/api/routes alike). */
const UI_DIR = fileURLToPath(new URL('../../../ui', import.meta.url));
/** Where `npm run build:ui` writes the UI. */
export const UI_DIST_DIR = path.join(UI_DIR, 'dist');

export interface UiRoutesOptions {
  /** The built UI (default: the package's ui/dist). */
  dir?: string;
  /** Paths under this prefix are the API's: never answered with the UI. */
  apiPrefix: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A regular file's size, or null when there is none at `file`. */
async function fileSize(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

/** The page shown when the server runs without a built UI. */
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DataDog Platform</title></head>
<body style="font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web UI is not built</h1><p>Build it with <code>npm run build:ui</code>, then reload. The API is up: see the <a href="/docs">API reference</a>.</p>
</body></html>`;

/** Hands the request to the API's not-found handler (its JSON 404). */
function notFound(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}

/** Registers GET /* for the UI. */
export const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, options) => {
  const root = path.resolve(options.dir ?? UI_DIST_DIR);
  const apiPrefix = options.apiPrefix.replace(/\/+$/, '');

  const send = async (reply: FastifyReply, file: string, size: number): Promise<FastifyReply> => {
    const ext = path.extname(file).toLowerCase();
    // Vite names assets by content hash: they never change under a name. index.html must be re-read.
    const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
    return reply
      .type(CONTENT_TYPES[ext] ?? 'application/octet-stream')
      .header('content-length', size)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(file));
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    let pathname = (request.url.split('?')[0] ?? '/').replace(/\/{2,}/g, '/');
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      return notFound(reply);
    }
    if (pathname === apiPrefix || pathname.startsWith(`${apiPrefix}/`) || pathname.includes('\0')) return notFound(reply);

    const file = path.join(root, path.normalize(pathname));
    if (file.startsWith(root + path.sep) && !file.endsWith(path.sep)) {
      const size = await fileSize(file);
      if (size !== null) return send(reply, file, size);
      // A missing asset (`/assets/old-hash.js`, `/favicon.ico`) is a 404, not the app; UI paths may hold dots (`/datasets/raw.events`).
      const topLevelFile = pathname.lastIndexOf('/') === 0 && path.extname(pathname) !== '';
      if (pathname.startsWith('/assets/') || topLevelFile) return notFound(reply);
    } else if (file !== root && file !== root + path.sep) {
      return notFound(reply);
    }

    const index = path.join(root, 'index.html');
    const size = await fileSize(index);
    if (size === null) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    return send(reply, index, size);
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
};

export interface EnsureUiBuiltOptions {
  /** Also rebuild when a source of the UI is newer than the built one (tests; default false). */
  rebuildIfStale?: boolean;
}

/** The newest modification time under `dir` (recursively), 0 when there is nothing. */
async function newestMtime(entry: string): Promise<number> {
  const info = await stat(entry).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const names = await readdir(entry);
  const times = await Promise.all(names.map((name) => newestMtime(path.join(entry, name))));
  return Math.max(info.mtimeMs, ...times);
}

/**
 * Builds the UI with Vite when ui/dist has no index.html (a fresh checkout's first start).
 * Never throws: without Vite (a production install without dev dependencies) or without the
 * UI sources, it logs a warning and the server runs with the API only. True when a built UI
 * is there afterwards.
 */
export async function ensureUiBuilt(log: Pick<Logger, 'info' | 'warn'>, options: EnsureUiBuiltOptions = {}): Promise<boolean> {
  const index = path.join(UI_DIST_DIR, 'index.html');
  const configFile = path.join(UI_DIR, 'vite.config.ts');
  const built = await stat(index).catch(() => null);
  if (built && !options.rebuildIfStale) return true;
  const sourcesAt = Math.max(...(await Promise.all([path.join(UI_DIR, 'src'), path.join(UI_DIR, 'index.html'), configFile].map(newestMtime))));
  if (built && sourcesAt <= built.mtimeMs) return true;
  if (sourcesAt === 0) {
    if (!built) log.warn(`the web UI is not built and its sources are not here (${UI_DIR}); serving the API only`);
    return Boolean(built);
  }
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log.warn('the web UI is not built and Vite is not installed (a production install?); serving the API only. Build it with `npm run build:ui`.');
    return Boolean(built);
  }
  const started = Date.now();
  log.info(`building the web UI into ${UI_DIST_DIR} (once; \`npm run build:ui\` rebuilds it)...`);
  try {
    await vite.build({ configFile, logLevel: 'warn' });
    log.info(`built the web UI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    log.warn(`building the web UI failed (${(error as Error).message}); serving the API only`);
    return false;
  }
}
