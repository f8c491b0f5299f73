/**
 * The web UI: serves the files Vite built into ui/dist, and answers every other non-API GET
 * with index.html, so the UI's own routes (/pipelines/hello, /runs/<id>) load on a reload or
 * a shared link. Registered last, so API routes always win; API-looking paths that match
 * nothing keep their JSON 404.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/** The page shown while there is no built UI: being built (it reloads itself), or not at all. */
function notBuiltPage(building: boolean): string {
  const body = building
    ? '<h1>The web UI is being built</h1><p>This takes a few seconds on a first start; the page reloads by itself.'
    : '<h1>The web UI is not built</h1><p>Build it with <code>npm run build:ui</code>, then reload.';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>DataDog Platform</title>${building ? '<meta http-equiv="refresh" content="3">' : ''}</head>
<body style="font:15px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">${body} The API is up: see the <a href="/docs">API reference</a>.</p></body></html>`;
}

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

    // The app answers page loads (browsers ask for HTML); an API client asking for an unknown
    // path gets the JSON 404 every other unknown route gives.
    if (!String(request.headers.accept ?? '').includes('text/html')) return notFound(reply);
    const index = path.join(root, 'index.html');
    const size = await fileSize(index);
    if (size === null) {
      const building = (await fileSize(LOCK_FILE)) !== null;
      return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuiltPage(building));
    }
    return send(reply, index, size);
  };

  app.get('/', { schema: { hide: true } }, handler);
  app.get('/*', { schema: { hide: true } }, handler);
};

export interface EnsureUiBuiltOptions {
  /** Also rebuild when a source of the UI is newer than the built one (tests; default false). */
  rebuildIfStale?: boolean;
  /** How long to wait for another process that is building it (default 5 minutes). */
  waitMs?: number;
}

/** Where builds happen before they replace ui/dist, and the lock that lets one process build at a time. */
const BUILD_DIR = path.join(UI_DIR, '..', 'node_modules', '.cache', 'datadog-ui');
const LOCK_FILE = path.join(BUILD_DIR, 'build.lock');

/** The newest modification time under `entry` (recursively), 0 when there is nothing. */
async function newestMtime(entry: string): Promise<number> {
  const info = await stat(entry).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const names = await readdir(entry);
  const times = await Promise.all(names.map((name) => newestMtime(path.join(entry, name))));
  return Math.max(info.mtimeMs, ...times);
}

/** Whether ui/dist holds a build (and, when asked, one newer than every source). */
async function isBuilt(rebuildIfStale: boolean): Promise<{ built: boolean; fresh: boolean; sources: boolean }> {
  const built = await stat(path.join(UI_DIST_DIR, 'index.html')).catch(() => null);
  if (built && !rebuildIfStale) return { built: true, fresh: true, sources: true };
  const sourcesAt = Math.max(...(await Promise.all(['src', 'index.html', 'vite.config.ts'].map((name) => newestMtime(path.join(UI_DIR, name))))));
  return { built: built !== null, fresh: built !== null && sourcesAt <= built.mtimeMs, sources: sourcesAt > 0 };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the build lock, waiting while a live process holds it; null when the wait timed out. */
async function takeLock(waitMs: number): Promise<(() => Promise<void>) | null> {
  await mkdir(BUILD_DIR, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await writeFile(LOCK_FILE, String(process.pid), { flag: 'wx' });
      return () => rm(LOCK_FILE, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(LOCK_FILE, 'utf8').catch(() => ''));
    const age = Date.now() - ((await stat(LOCK_FILE).catch(() => null))?.mtimeMs ?? 0);
    // A holder that died (a killed server) leaves its lock behind; an empty lock is being written, unless it is old.
    const stale = Number.isInteger(holder) && holder > 0 ? !isAlive(holder) : age > 5000;
    if (stale) {
      await rm(LOCK_FILE, { force: true });
      continue;
    }
    if (Date.now() > deadline) return null;
    await delay(500);
  }
}

/** Runs ui/build-ui.mjs in a worker thread, so the server's event loop keeps serving. */
function buildInWorker(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../../ui/build-ui.mjs', import.meta.url), { workerData: { outDir }, stdout: false, stderr: false });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the build exited with code ${code}`))));
  });
}

/**
 * Builds the UI into ui/dist when it has no build (a fresh checkout's first start), in a
 * worker thread, one process at a time (others wait for it), swapping the new build in
 * whole. Never throws: without Vite (a production install without dev dependencies) or
 * without the UI sources it logs a warning, and the server goes on with the API only.
 * Resolves true when a built UI is there.
 * @example
 * void ensureUiBuilt(platform.logger); // the UI route says "being built" until it is
 */
export async function ensureUiBuilt(log: Pick<Logger, 'info' | 'warn'>, options: EnsureUiBuiltOptions = {}): Promise<boolean> {
  const rebuildIfStale = options.rebuildIfStale ?? false;
  const first = await isBuilt(rebuildIfStale);
  if (first.fresh) return true;
  if (!first.sources) {
    if (!first.built) log.warn(`the web UI is not built and its sources are not here (${UI_DIR}); serving the API only`);
    return first.built;
  }
  let release: (() => Promise<void>) | null;
  try {
    release = await takeLock(options.waitMs ?? 300_000);
  } catch (error) {
    log.warn(`cannot build the web UI (${(error as Error).message}); serving the API only. Build it with \`npm run build:ui\`.`);
    return first.built;
  }
  if (!release) {
    log.warn('gave up waiting for another process to build the web UI');
    return (await isBuilt(false)).built;
  }
  const outDir = path.join(BUILD_DIR, `dist-${process.pid}`);
  try {
    // Another process may have built it while this one waited.
    if ((await isBuilt(rebuildIfStale)).fresh) return true;
    // Whatever a killed builder left behind goes.
    for (const name of await readdir(BUILD_DIR)) if (name.startsWith('dist-')) await rm(path.join(BUILD_DIR, name), { recursive: true, force: true });
    const started = Date.now();
    log.info(`building the web UI into ${UI_DIST_DIR} (once; \`npm run build:ui\` rebuilds it)...`);
    await buildInWorker(outDir);
    const old = `${outDir}-old`;
    await rename(UI_DIST_DIR, old).catch(() => undefined);
    await rename(outDir, UI_DIST_DIR);
    await rm(old, { recursive: true, force: true });
    log.info(`built the web UI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (/Cannot find (package|module) 'vite'/.test(message)) {
      log.warn('the web UI is not built and Vite is not installed (a production install?); serving the API only. Build it with `npm run build:ui`.');
    } else {
      log.warn(`building the web UI failed (${message}); serving the API only`);
    }
    await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
    return (await isBuilt(false)).built;
  } finally {
    await release();
  }
}
