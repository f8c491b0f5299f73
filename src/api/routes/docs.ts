/**
 * The API's own description: GET /openapi.json (OpenAPI 3.1, generated from the routes' zod
 * schemas) and GET /docs, a self-contained reference page that renders it. The page needs no
 * CDN or UI package, so it works offline and behind firewalls.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Registers GET /openapi.json and GET /docs; both are left out of the document they serve. */
export const docsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())));
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(DOCS_PAGE));
};

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DataDog Platform API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; color: #1d2330; }
  h2 { border-bottom: 1px solid #dde; margin-top: 2rem; text-transform: capitalize; }
  .op { border: 1px solid #dde; border-radius: 6px; margin: .75rem 0; padding: .5rem .75rem; }
  .method { display: inline-block; min-width: 4rem; font-weight: 700; font-family: monospace; }
  .get { color: #0a6; } .post { color: #06c; } .put, .patch { color: #a60; } .delete { color: #c33; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f5f6fa; padding: .5rem; overflow: auto; max-height: 24rem; }
  summary { cursor: pointer; color: #555; }
</style>
</head>
<body>
<h1 id="title">DataDog Platform API</h1>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
<div id="ops">Loading...</div>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const json = (v) => '<pre>' + esc(JSON.stringify(v, null, 2)) + '</pre>';
fetch('/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags ?? ['other'])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  let html = '';
  for (const [tag, ops] of byTag) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of ops) {
      html += '<div class="op"><span class="method ' + method + '">' + method.toUpperCase() + '</span> <code>' + esc(path) + '</code>';
      html += '<div><b>' + esc(op.summary) + '</b></div>' + (op.description ? '<div>' + esc(op.description) + '</div>' : '');
      if (op.parameters?.length) html += '<details><summary>Parameters</summary>' + json(op.parameters) + '</details>';
      if (op.requestBody) html += '<details><summary>Request body</summary>' + json(op.requestBody) + '</details>';
      html += '<details><summary>Responses</summary>' + json(op.responses) + '</details></div>';
    }
  }
  html += '<h2>Schemas</h2>' + json(doc.components?.schemas ?? {});
  document.getElementById('ops').innerHTML = html;
}).catch((e) => { document.getElementById('ops').textContent = 'Could not load /openapi.json: ' + e; });
</script>
</body>
</html>
`;
