/**
 * Runs the real CLI (`node bin/datadog.js ...`) as a child process for the e2e tests: each test
 * gets a fresh DATADOG_HOME, DATADOG_SERVER is unset, and colour is off so output can be matched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(REPO_ROOT, 'bin', 'datadog.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for assertions that do not care which. */
  output: string;
  ms: number;
}

export interface CliOptions {
  home: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the CLI after this long (the test then fails on its exit code). */
  timeoutMs?: number;
}

/** A CLI process started in the background. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout or stderr; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<CliResult>;
}

function cliEnv(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATADOG_HOME: options.home, NO_COLOR: '1' };
  delete env.DATADOG_SERVER;
  delete env.FORCE_COLOR;
  delete env.DATABASE_URL;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `datadog ...args` and returns at once. */
export function startCli(args: string[], options: CliOptions): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  const changed = (): void => {
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    changed();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    changed();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      changed();
      resolve({ code, signal, stdout, stderr, output: stdout + stderr, ms: Date.now() - started });
    });
  });
  let closed = false;
  void exited.then(() => (closed = true));

  const waitFor = (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stdout) ?? pattern.exec(stderr);
        if (match) {
          cleanup();
          resolve(match);
        } else if (closed) {
          cleanup();
          reject(new Error(`CLI exited before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      };
      const giveUp = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(giveUp);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, exited };
}

/** Runs `datadog ...args` to its end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** A fresh temporary folder; remove it with `removeDir`. */
export function makeTempDir(prefix = 'datadog-cli-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Writes a spec file into `dir` and returns its absolute path. */
export async function writeSpec(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The run id from the `run <uuid> started` line. */
export function startedRunId(output: string): string {
  const match = /run ([0-9a-f-]{36}) started/.exec(output);
  if (!match?.[1]) throw new Error(`no 'run <id> started' line in:\n${output}`);
  return match[1];
}
