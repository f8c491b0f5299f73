/**
 * The web UI in a real browser against a real server: the overview, pipelines, a run
 * triggered from its form and followed live to success, task logs streaming, a long run
 * cancelled, a failed run re-run, a dataset previewed, connectors, both themes. One Chromium
 * for the file. Screenshots of every page, in both themes, go to test-artifacts/screenshots.
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

const PIPELINES: Record<string, string> = {
  'quick.yaml': `
id: ui_quick
name: Quick shell DAG
description: Greets, fans out and joins.
tags: [ui, shell]
params:
  who: { type: string, default: world, description: Who to greet }
  count: { type: integer, default: 2 }
  loud: { type: boolean, default: false }
  mode: { type: string, enum: [fast, slow], default: fast }
  day: { type: date }
  extra: { type: json, default: { a: 1 } }
  token: { type: string, required: true, description: Any text }
tasks:
  - id: greet
    kind: shell
    config: { command: 'echo "hello, $PARAM_WHO"; for i in $(seq 1 "$PARAM_COUNT"); do echo "line $i"; done' }
  - id: left
    kind: shell
    depends_on: [greet]
    config: { command: echo left }
  - id: right
    kind: shell
    depends_on: [greet]
    config: { command: echo right }
  - id: join
    kind: shell
    depends_on: [left, right]
    config: { command: echo joined }
`,
  'long.yaml': `
id: ui_long
name: Long sleeper
tags: [ui]
tasks:
  - id: ticker
    kind: shell
    config: { command: 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.5; done' }
  - id: wait
    kind: sleep
    depends_on: [ticker]
    config: { duration: 30s }
  - id: finish
    kind: shell
    depends_on: [wait]
    config: { command: echo done }
`,
  'failing.yaml': `
id: ui_failing
name: Failing pipeline
tags: [ui]
tasks:
  - id: extract
    kind: shell
    config: { command: 'echo "extracted 42 rows"' }
  - id: transform
    kind: shell
    depends_on: [extract]
    config:
      command: |
        echo "transforming..."
        echo "column 'amount' has text where a number was expected" >&2
        exit 3
  - id: report
    kind: shell
    depends_on: [transform]
    config: { command: echo report }
`,
  'data.yaml': `
id: ui_data
name: Generated events
tags: [ui, data]
tasks:
  - id: generate
    kind: source
    outputs: [ui_events]
    config:
      connector: { type: generator, seed: 7, count: 400 }
  - id: count_by_type
    kind: transform
    inputs: [ui_events]
    outputs: [ui_event_counts]
    config:
      steps:
        - derive: { day: 'CAST("timestamp" AS DATE)' }
        - aggregate:
            group_by: [event_type, day]
            metrics:
              events: count
        - sort: [event_type]
`,
};

describe.skipIf(!support.available)('web UI in a browser', () => {
  let dir: string;
  let platform: Platform;
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let failedRunId: string;
  const pageErrors: string[] = [];

  const open = async (pathname: string): Promise<void> => {
    await page.goto(server.url + pathname);
  };
  const shoot = async (name: string): Promise<void> => {
    const theme = await page.evaluate('document.documentElement.dataset.theme');
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${String(theme)}.png`), fullPage: true });
  };
  /** Polls until the assertion holds; runs and logs take seconds, more on a busy machine. */
  const poll = <T>(read: () => Promise<T> | T, timeout = 20_000) => expect.poll(read, { timeout, interval: 100 });
  /** The status shown next to the run's title. */
  const runStatus = () => page.locator('h1 [data-status]');

  beforeAll(async () => {
    const log = createLogger({ level: 'warn', pretty: false });
    expect(await ensureUiBuilt(log, { rebuildIfStale: true })).toBe(true);
    await mkdir(SCREENSHOTS, { recursive: true });

    dir = await mkdtemp(path.join(os.tmpdir(), 'dd-ui-e2e-'));
    const examples = path.join(dir, 'pipelines');
    await mkdir(examples);
    for (const [file, text] of Object.entries(PIPELINES)) await writeFile(path.join(examples, file), text);
    platform = await createPlatform({ home: path.join(dir, 'home'), logger: createLogger({ level: 'silent', pretty: false }) });
    server = await startServer({ platform, host: '127.0.0.1', port: 0, examplesDir: examples });

    // History for the overview, a failed run to re-run and a dataset to preview.
    const failed = await platform.triggerRun('ui_failing');
    const data = await platform.triggerRun('ui_data');
    await Promise.all([platform.waitForRun(failed.id), platform.waitForRun(data.id)]);
    failedRunId = failed.id;

    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the overview: runs over time, success rate, durations, recent failures', async () => {
    await open('/');
    await poll(() => page.getByRole('heading', { name: 'Overview' }).isVisible()).toBe(true);
    await page.getByRole('group', { name: 'Success rate' }).getByText('50%').waitFor();
    await page.getByRole('group', { name: 'Duration p50' }).waitFor();
    await page.getByRole('img', { name: 'Runs over time, stacked by status' }).locator('canvas').waitFor();
    await page.getByRole('region', { name: 'Recent failures' }).getByRole('link', { name: 'ui_failing' }).waitFor();
    await shoot('overview');
  });

  it('lists pipelines with their last status, and filters them by search and by tag', async () => {
    await open('/pipelines');
    const rows = page.locator('tbody tr');
    await poll(() => rows.count()).toBe(4);
    await poll(() => rows.filter({ hasText: 'ui_failing' }).locator('[data-status]').getAttribute('data-status')).toBe('failed');
    await shoot('pipelines');
    await page.getByRole('searchbox', { name: 'Search pipelines' }).fill('sleeper');
    await poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining('ui_long')]);
    await page.getByRole('searchbox', { name: 'Search pipelines' }).fill('');
    await page.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: 'data' }).click();
    await poll(() => rows.allInnerTexts()).toEqual([expect.stringContaining('ui_data')]);
  });

  it('triggers a run from the generated form, checking params first, and follows it to succeeded without a reload', async () => {
    await open('/pipelines/ui_quick');
    await poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await shoot('pipeline');
    await page.evaluate('window.__sameDocument = true');

    const form = page.getByRole('form', { name: 'Trigger a run' });
    await form.getByLabel('count').fill('1.5');
    await form.getByRole('button', { name: 'Run pipeline' }).click();
    await form.getByText('expected an integer').waitFor();
    await form.getByText('required', { exact: true }).waitFor(); // token is required and has no default
    expect(page.url()).toContain('/pipelines/ui_quick');

    await form.getByLabel('count').fill('3');
    await form.getByLabel('token').fill('t0k3n');
    // What the server refuses is shown under the field it names.
    await page.route('**/api/v1/pipelines/ui_quick/execute', (route) =>
      route.fulfill({
        status: 400,
        json: { error: { code: 'PARAM_INVALID', message: 'invalid run params', details: { issues: [{ path: 'params.who', message: 'nobody by that name' }] } } },
      }),
    );
    await form.getByRole('button', { name: 'Run pipeline' }).click();
    await form.getByText('nobody by that name').waitFor();
    await page.unroute('**/api/v1/pipelines/ui_quick/execute');

    await form.getByLabel('who').fill('browser');
    await form.getByRole('button', { name: 'Run pipeline' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}/);
    await page.getByRole('status', { name: 'Live updates: Live' }).waitFor();
    await poll(() => runStatus().getAttribute('data-status'), 40_000).toBe('succeeded');
    await poll(() => page.locator('.dag-node[data-status="succeeded"]').count()).toBe(4);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await page.getByRole('group', { name: 'Run params' }).getByText('browser').waitFor();
    await shoot('run-succeeded');
  });

  it("shows a task's logs", async () => {
    await page.getByRole('button', { name: 'Show task greet' }).click();
    const logs = page.getByRole('log', { name: 'Logs of task greet' });
    await poll(() => logs.innerText()).toContain('hello, browser');
    await poll(() => logs.innerText()).toContain('line 3');
    expect(page.url()).toContain('task=greet');
  });

  it('streams the logs of a running task live, then cancels the long run', async () => {
    await open('/pipelines/ui_long');
    await page.getByRole('button', { name: 'Run pipeline' }).click();
    await page.waitForURL(/\/runs\//);
    await page.getByRole('button', { name: 'Show task ticker' }).click();
    const logs = page.getByRole('log', { name: 'Logs of task ticker' });
    // Lines arrive while the task runs: the page is not reloaded, the log grows.
    await poll(() => logs.innerText()).toContain('tick 1');
    await poll(() => logs.innerText()).toContain('tick 6');
    await poll(() => page.locator('.dag-node[data-status="running"]').innerText()).toContain('wait');
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await poll(() => runStatus().getAttribute('data-status')).toBe('cancelled');
    await poll(() => page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Re-run from failure' }).waitFor();
    await shoot('run-cancelled');
  });

  it('shows the error of a failed run with its stack, and re-runs it from the failure', async () => {
    await open(`/runs/${failedRunId}`);
    await poll(() => runStatus().getAttribute('data-status')).toBe('failed');
    // The failed task is selected by itself: its error, stack and logs show.
    const error = page.getByRole('group', { name: 'Error of attempt 1' });
    await poll(() => error.locator('.error-message').innerText()).toContain("column 'amount' has text where a number was expected");
    await error.getByText('Stack trace').waitFor();
    await page.getByRole('log', { name: 'Logs of task transform' }).getByText('transforming...').waitFor();
    await poll(() => page.locator('.dag-node[data-status]').count()).toBe(3);
    await shoot('run-failed');

    await page.getByRole('button', { name: 'Re-run from failure' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(failedRunId));
    await poll(() => runStatus().getAttribute('data-status'), 40_000).toBe('failed');
    await page.getByText('rerun', { exact: false }).first().waitFor();
    // The task that succeeded before is reused, not run again.
    await page.locator('tr', { has: page.getByRole('button', { name: 'Show task extract' }) }).getByText('reused').waitFor();
  });

  it('previews a dataset with its schema, versions, lineage and a quick chart', async () => {
    await open('/datasets');
    await page.getByRole('link', { name: 'ui_event_counts' }).click();
    await page.waitForURL(/\/datasets\/ui_event_counts$/);
    const preview = page.getByRole('region', { name: 'Preview of ui_event_counts' });
    await preview.getByText('page_view').waitFor();
    expect(await preview.locator('tbody tr').count()).toBeGreaterThan(3);
    await page.getByRole('region', { name: 'Schema' }).getByText('event_type').waitFor();
    await page.getByRole('region', { name: /Versions/ }).getByText('published').waitFor();
    await poll(() => page.getByRole('group', { name: 'Lineage of dataset ui_event_counts' }).locator('.react-flow__node').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('combobox', { name: 'X column' }).selectOption('event_type');
    await page.getByRole('img', { name: /chart of events by event_type/ }).locator('canvas').waitFor();
    await shoot('dataset');
  });

  it('lists connector types with the fields of their config', async () => {
    await open('/connectors');
    await page.getByRole('button', { name: 'generator' }).click();
    const fields = page.getByRole('table', { name: 'Config fields of the generator connector' });
    await fields.getByText('count', { exact: true }).waitFor();
    await shoot('connectors');
  });

  it('shows designed states for what does not exist', async () => {
    await open('/runs/no-such-run');
    await page.getByRole('alert').getByText('Not found', { exact: true }).waitFor();
    await open('/nowhere/at/all');
    await page.getByText('Page not found').waitFor();
  });

  it('switches to the dark theme, remembers it, follows the system theme until chosen, and renders every page in both', async () => {
    await open('/');
    const theme = (): Promise<unknown> => page.evaluate('document.documentElement.dataset.theme');
    const start = await theme();
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    expect(await theme()).not.toBe(start);
    await page.reload();
    expect(await theme()).not.toBe(start);

    // Without a stored choice the system preference decides.
    const fresh = await browser.context.newPage();
    await fresh.goto(server.url + '/');
    await fresh.evaluate('localStorage.removeItem("datadog-theme")');
    await fresh.emulateMedia({ colorScheme: 'dark' });
    await fresh.reload();
    expect(await fresh.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await fresh.close();

    // Every page, in the theme not yet shot (the earlier tests shot the starting one).
    await page.evaluate(`localStorage.setItem('datadog-theme', '${start === 'dark' ? 'light' : 'dark'}')`);
    const pages: Array<[string, string, () => Promise<unknown>]> = [
      ['overview', '/', () => page.getByRole('img', { name: 'Runs over time, stacked by status' }).locator('canvas').waitFor()],
      ['pipelines', '/pipelines', () => page.locator('tbody tr').first().waitFor()],
      ['pipeline', '/pipelines/ui_quick', () => page.locator('.react-flow__node').first().waitFor()],
      ['run-failed', `/runs/${failedRunId}`, () => poll(() => page.locator('.dag-node[data-status]').count()).toBe(3)],
      ['dataset', '/datasets/ui_event_counts', () => poll(() => page.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(3)],
      ['connectors', '/connectors', () => page.getByRole('table').first().waitFor()],
    ];
    for (const [name, pathname, ready] of pages) {
      await open(pathname);
      await ready();
      await page.waitForTimeout(300); // charts animate in
      await shoot(name);
    }
  });

  it('raised no uncaught error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
