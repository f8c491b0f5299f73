/**
 * Builds the web UI into ui/dist, which the API server serves (src/api/routes/ui.ts).
 * `npm run build:ui` builds it; `npx vite --config ui/vite.config.ts` serves it with hot
 * reload and proxies the API to a server on 127.0.0.1:8000 (or API_URL).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.API_URL ?? 'http://127.0.0.1:8000';

/** Big libraries in their own chunks, so an app change does not bust their cache. */
function manualChunks(id: string): string | undefined {
  if (!id.includes('node_modules')) return undefined;
  if (id.includes('/echarts/') || id.includes('/zrender/')) return 'echarts';
  if (id.includes('/@xyflow/') || id.includes('/d3-')) return 'xyflow';
  if (id.includes('/react') || id.includes('/scheduler/') || id.includes('/@tanstack/')) return 'react';
  return 'vendor';
}

export default defineConfig({
  root,
  base: '/',
  // No React plugin: esbuild compiles TSX with the automatic runtime.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
    rollupOptions: {
      output: { manualChunks },
      // React Query and React Flow mark modules "use client" (for server components); harmless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/health': { target: api, changeOrigin: true },
    },
  },
});
