/**
 * The API's own description: GET /openapi.json (OpenAPI 3.1, generated from the routes' zod
 * schemas) and GET /docs, a self-contained reference page that renders it, with a small
 * "try it" form per operation (event streams are shown as they arrive). The page needs no CDN
 * or UI package, so it works offline and behind firewalls.
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
  .try label { display: block; margin: .25rem 0; font-family: monospace; font-size: 13px; }
  .try input { font: 13px ui-monospace, monospace; width: 18rem; }
  .try textarea { font: 13px ui-monospace, monospace; width: 100%; height: 8rem; }
  .try button { margin: .25rem .5rem .25rem 0; }
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
      html += '<details><summary>Responses</summary>' + json(op.responses) + '</details>';
      html += tryForm(path, method, op) + '</div>';
    }
  }
  html += '<h2>Schemas</h2>' + json(doc.components?.schemas ?? {});
  document.getElementById('ops').innerHTML = html;
}).catch((e) => { document.getElementById('ops').textContent = 'Could not load /openapi.json: ' + e; });

// ---- try it: one form per operation; the request goes to this server ----
function tryForm(path, method, op) {
  const params = (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query');
  let form = '<details class="try"><summary>Try it</summary><form data-path="' + esc(path) + '" data-method="' + method + '">';
  for (const p of params) {
    form += '<label>' + esc(p.name) + (p.in === 'path' ? ' (path)' : '') + ' <input name="' + esc(p.name) + '" data-in="' + p.in + '"></label>';
  }
  if (op.requestBody) form += '<label>body (JSON)<textarea name="__body">{}</textarea></label>';
  form += '<button type="submit">Send</button><button type="button" data-stop>Stop</button><pre data-out></pre></form></details>';
  return form;
}

// The request in flight of each form, so Stop (or sending again) ends only that one.
const running = new WeakMap();
document.addEventListener('click', (event) => {
  if (event.target.matches('[data-stop]')) running.get(event.target.form)?.abort();
});
document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!form.dataset.path) return;
  event.preventDefault();
  const out = form.querySelector('[data-out]');
  let url = form.dataset.path;
  const query = new URLSearchParams();
  for (const input of form.querySelectorAll('input')) {
    if (input.dataset.in === 'path') url = url.replace('{' + input.name + '}', encodeURIComponent(input.value));
    else if (input.value !== '') query.set(input.name, input.value);
  }
  if ([...query].length) url += '?' + query;
  const init = { method: form.dataset.method.toUpperCase(), headers: {} };
  const body = form.querySelector('textarea');
  if (body && body.value.trim()) { init.body = body.value; init.headers['content-type'] = 'application/json'; }
  running.get(form)?.abort();
  const controller = new AbortController();
  running.set(form, controller);
  init.signal = controller.signal;
  out.textContent = init.method + ' ' + url + '\\n';
  try {
    const res = await fetch(url, init);
    out.textContent += res.status + ' ' + res.statusText + '\\n\\n';
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      // An event stream: show it as it arrives, until Stop.
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) { const { value, done } = await reader.read(); if (done) break; out.textContent += value; }
      return;
    }
    const text = await res.text();
    try { out.textContent += JSON.stringify(JSON.parse(text), null, 2); } catch { out.textContent += text; }
  } catch (e) {
    out.textContent += e.name === 'AbortError' ? '(stopped)' : 'failed: ' + e;
  }
});
</script>
</body>
</html>
`;
