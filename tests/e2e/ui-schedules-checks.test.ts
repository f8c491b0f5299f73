/**
 * Schedules and quality checks in the web UI, in a real browser against a real server: a
 * pipeline's schedule with its next fire times, switched off and on again (and the API agrees),
 * and a dataset's check results, one pass and one warn, with the warn's sample rows expanded.
 * Screenshots go to test-artifacts/screenshots.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt } from '../../src/api/routes/ui.ts';
import type { Schedule } from '../../src/api/schemas.ts';
import { startServer, type RunningServer } from '../../src/api/start-server.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createPlatform, type Platform } from '../../src/platform.ts';
import { browserSupport, launchBrowser, type TestBrowser } from '../helpers/browser.ts';

const support = browserSupport();
if (!support.available) console.warn(support.notice);

const SCREENSHOTS = path.resolve('test-artifacts/screenshots');

const PIPELINES: Record<string, string> = {
  'scheduled.yaml': `
id: ui_scheduled
name: Morning report
tags: [ui]
schedules:
  - cron: '0 9 * * *'
    timezone: Europe/Paris
tasks:
  - id: report
    kind: shell
    config: { command: echo report }
`,
  'checked.yaml': `
id: ui_checked
name: Checked events
tags: [ui, data]
tasks:
  - id: generate
    kind: source
    outputs: [ui_raw_events]
    config:
      connector: { type: generator, seed: 11, count: 50 }
  - id: clean
    kind: transform
    inputs: [ui_raw_events]
    outputs: [ui_clean_events]
    config:
      steps:
        - select: [event_id, event_type, timestamp, amount]
      checks:
        - { type: not_null, columns: [event_id] }
        - { type: accepted_values, column: event_type, values: [page_view], severity: warn }
`,
};

describe.skipIf(!support.available)('schedules and quality checks in the web UI', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  const poll = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout, interval: 100 });
  const scheduleEnabled = async (): Promise<boolean | undefined> => {
    const response = await fetch(`${server.url}/api/v1/schedules?pipeline=ui_scheduled`);
    const body = (await response.json()) as { schedules: Schedule[] };
    return body.schedules.find((s) => s.index === 0)?.enabled;
  };

  beforeAll(async () => {
    const log = createLogger({ level: 'warn', pretty: false });
    expect(await ensureUiBuilt(log, { rebuildIfStale: true })).toBe(true);
    await mkdir(SCREENSHOTS, { recursive: true });

    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-ui-sched-'));
    const examples = path.join(dir, 'pipelines');
    await mkdir(examples);
    for (const [file, text] of Object.entries(PIPELINES)) await writeFile(path.join(examples, file), text);
    platform = await createPlatform({ home: path.join(dir, 'home'), logger: createLogger({ level: 'silent', pretty: false }) });
    server = await startServer({ platform, host: '127.0.0.1', port: 0, examplesDir: examples });

    const run = await platform.triggerRun('ui_checked');
    const done = await platform.waitForRun(run.id);
    expect(done.status, done.error ?? '').toBe('succeeded');

    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(server.url + '/');
    await page.evaluate(`localStorage.setItem('datadog-theme', 'light')`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows a schedule with its next fire times and switches it off and on', async () => {
    await page.goto(server.url + '/pipelines/ui_scheduled');
    const panel = page.getByRole('region', { name: 'Schedules' });
    await panel.getByText('0 9 * * *').waitFor();
    await panel.getByText('Europe/Paris').waitFor();
    const times = panel.getByRole('list', { name: 'Next fire times of schedule 0' });
    await poll(() => times.locator('li').count()).toBe(3);
    await poll(() => times.locator('li').first().innerText()).toMatch(/in \d+ (min|h|s)/);
    expect(await times.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT(07|08):00:00/);

    const toggle = panel.getByRole('switch', { name: 'Enable schedule 0' });
    expect(await toggle.isChecked()).toBe(true);
    await page.locator('.react-flow__node').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'schedules-light.png'), fullPage: true });

    await toggle.click();
    await poll(() => scheduleEnabled()).toBe(false);
    await poll(() => toggle.isChecked()).toBe(false);
    await panel.getByText('Disabled: it does not fire until enabled again.').waitFor();
    expect(await times.count()).toBe(0);

    await toggle.click();
    await poll(() => scheduleEnabled()).toBe(true);
    await poll(() => toggle.isChecked()).toBe(true);
    await poll(() => times.locator('li').count()).toBe(3);
  });

  it('shows a dataset’s quality checks, one pass and one warn, and expands the warn sample', async () => {
    await page.goto(server.url + '/datasets/ui_clean_events');
    const panel = page.getByRole('region', { name: 'Quality checks' });
    const results = panel.getByRole('table', { name: 'Latest check results' });
    await poll(() => results.locator('[data-check-status]').count()).toBe(2);
    const pass = results.locator('tr[data-check="not_null(event_id)"]');
    const warn = results.locator('tr[data-check="accepted_values(event_type)"]');
    expect(await pass.locator('[data-check-status]').getAttribute('data-check-status')).toBe('pass');
    expect(await warn.locator('[data-check-status]').getAttribute('data-check-status')).toBe('warn');
    await warn.getByText('warn', { exact: true }).waitFor(); // the severity column
    expect(Number((await warn.locator('td.num').first().innerText()).replace(/\D/g, ''))).toBeGreaterThan(0);

    await panel.getByRole('button', { name: 'Show sample of accepted_values(event_type)' }).click();
    const sample = panel.getByRole('table', { name: 'Sample rows of accepted_values(event_type)' });
    await sample.getByRole('columnheader', { name: 'event_type' }).waitFor();
    expect(await sample.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await sample.locator('tbody').innerText()).not.toContain('page_view');
    await page.evaluate('window.scrollTo(0, 0)'); // a full-page shot draws the sticky header where the page is scrolled
    await page.screenshot({ path: path.join(SCREENSHOTS, 'checks-light.png'), fullPage: true });
  });

  it('shows the empty states and raised no uncaught error', async () => {
    await page.goto(server.url + '/datasets/ui_raw_events');
    await page.getByRole('region', { name: 'Quality checks' }).getByText('No checks recorded').waitFor();
    await page.goto(server.url + '/pipelines/ui_checked');
    await page.getByRole('region', { name: 'Schedules' }).getByText('No schedules').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
