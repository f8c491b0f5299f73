/**
 * The Workers page in a real browser against a real server (local executor): the executor
 * line, the server process as the one worker with the task it runs linked to its run, the
 * heartbeat ticking; then, with the API answer replaced, a late heartbeat, the empty and the
 * error states. Screenshots in both themes go to test-artifacts/screenshots.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../../src/api/routes/ui.ts';
import { startServer, type RunningServer } from '../../src/api/start-server.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { browserSupport, launchBrowser, type TestBrowser } from '../helpers/browser.ts';

const support = browserSupport();
if (!support.available) console.warn(support.notice);

const SCREENSHOTS = path.resolve('test-artifacts/screenshots');

const SLEEPER = `
id: ui_workers_sleep
name: Sleeps a while
tasks:
  - id: nap
    kind: sleep
    config: { duration: 60s }
`;

describe.skipIf(!support.available)('Workers page in a browser', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let runId: string;
  const pageErrors: string[] = [];

  const poll = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout, interval: 100 });
  const rows = () => page.getByRole('table', { name: 'Workers' }).locator('tbody tr');

  beforeAll(async () => {
    expect(await ensureUiBuilt(createLogger({ level: 'warn', pretty: false }), { rebuildIfStale: true })).toBe(true);
    await mkdir(SCREENSHOTS, { recursive: true });
    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-ui-workers-'));
    const examples = path.join(dir, 'pipelines');
    await mkdir(examples);
    await writeFile(path.join(examples, 'sleep.yaml'), SLEEPER);
    platform = await createPlatform({ home: path.join(dir, 'home'), logger: createLogger({ level: 'silent', pretty: false }) });
    server = await startServer({ platform, host: '127.0.0.1', port: 0, examplesDir: examples });
    runId = (await platform.triggerRun('ui_workers_sleep')).id;

    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 240_000);

  afterAll(async () => {
    if (platform && runId) await platform.cancelRun(runId).catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the executor and the server process as a worker, with its running task linked to the run', async () => {
    await page.goto(server.url + '/');
    await page.evaluate("localStorage.setItem('datadog-theme', 'light')");
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workers' }).click();
    await page.waitForURL(/\/workers$/);
    await page.getByRole('heading', { name: 'Workers' }).waitFor();
    await page.getByText('Tasks run inside the server process').waitFor();

    await poll(() => rows().count()).toBe(1);
    const row = rows().first();
    const { host, pid } = ((await (await fetch(`${server.url}/api/v1/workers`)).json()) as { workers: Array<{ host: string; pid: number }> }).workers[0] as { host: string; pid: number };
    expect(pid).toBe(process.pid);
    await row.getByText(host, { exact: true }).waitFor();
    await row.getByText(String(pid), { exact: true }).waitFor();
    await row.getByText('default', { exact: true }).waitFor();
    const task = row.getByRole('link', { name: 'nap' });
    await poll(() => task.getAttribute('href')).toBe(`/runs/${runId}`);
    await poll(() => row.locator('.heartbeat').innerText()).toMatch(/^\d+ s ago$/);

    await page.screenshot({ path: path.join(SCREENSHOTS, 'workers-light.png'), fullPage: true });
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'workers-dark.png'), fullPage: true });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();

    await task.click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
  });

  it('counts distributed workers and warns of a late heartbeat', async () => {
    const now = Date.now();
    const worker = (n: number, beatAgoMs: number) => ({
      id: `box-${n}:10${n}:abc`,
      host: `box-${n}`,
      pid: 100 + n,
      pools: ['default', 'gpu'],
      concurrency: 2,
      startedAt: new Date(now - 3_600_000).toISOString(),
      lastHeartbeatAt: new Date(now - beatAgoMs).toISOString(),
      tasks: [],
    });
    await page.route('**/api/v1/workers', (route) => route.fulfill({ json: { executor: 'distributed', workers: [worker(1, 1000), worker(2, 20_000)] } }));
    await page.goto(server.url + '/workers');
    await page.getByText('2 workers').waitFor();
    await poll(() => rows().count()).toBe(2);
    await poll(() => page.locator('[data-late="true"]').count()).toBe(1);
    expect(await rows().nth(1).locator('[data-late="true"]').innerText()).toMatch(/2\d s ago/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'workers-distributed-light.png'), fullPage: true });
    await page.unroute('**/api/v1/workers');
  });

  it('has designed empty and error states', async () => {
    await page.route('**/api/v1/workers', (route) => route.fulfill({ json: { executor: 'distributed', workers: [] } }));
    await page.goto(server.url + '/workers');
    await page.getByText('No workers alive').waitFor();
    await page.getByText('0 workers').waitFor();
    await page.unroute('**/api/v1/workers');

    await page.route('**/api/v1/workers', (route) => route.fulfill({ status: 500, json: { error: { code: 'INTERNAL', message: 'cannot read the worker registry from Redis at redis:6379' } } }));
    await page.goto(server.url + '/workers');
    await page.getByRole('alert').getByText('cannot read the worker registry').waitFor({ timeout: 30_000 });
    await page.unroute('**/api/v1/workers');
  });

  it('raised no uncaught error', () => {
    expect(pageErrors).toEqual([]);
  });
});
