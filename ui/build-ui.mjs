/**
 * Builds the web UI with Vite. The API server runs this as a worker thread (so a build never
 * blocks its event loop) with `workerData.outDir`; `node ui/build-ui.mjs [outDir]` works too.
 * `npm run build:ui` is the usual way; this is for the server's first start.
 */
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { build } from 'vite';

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url));
const outDir = workerData?.outDir ?? process.argv[2];
await build({ configFile, logLevel: 'warn', ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}) });
