/**
 * Headless Chromium for browser tests: Debian's chromium (`apt-get install -y chromium`)
 * driven by playwright-core, which downloads nothing. Each launch gets a fresh profile in a
 * temp folder, removed on close.
 *
 * Without Chromium, browser tests skip with a notice on a developer machine and fail in CI
 * (CI=true), where a missing browser must not pass unnoticed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-free headless run (containers have no user namespaces). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface BrowserSupport {
  available: boolean;
  /** Why browser tests skip, when they do. */
  notice?: string;
}

/**
 * Whether browser tests can run here. Throws under CI=true when Chromium is missing, so the
 * test file fails instead of skipping.
 */
export function browserSupport(executablePath = CHROMIUM_PATH): BrowserSupport {
  if (existsSync(executablePath)) return { available: true };
  const notice = `browser tests skipped: no Chromium at ${executablePath}; install it with \`apt-get install -y chromium\``;
  if (process.env.CI === 'true') throw new Error(`${notice} (CI=true: browser tests must run)`);
  return { available: false, notice };
}

export interface TestBrowser {
  /** One browser context (a persistent one: it owns the fresh profile folder). */
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  executablePath?: string;
}

/** Launches headless Chromium with a fresh profile. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'dd-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: options.executablePath ?? CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      timeout: 30_000,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
