/**
 * Checks a connector config against its system, for `datadog connector test` and
 * POST /api/v1/connectors/test. Two kinds of failure are told apart:
 *
 * - the config is wrong (unknown type, a field the schema refuses, an unset `${env:NAME}`, or a
 *   ValidationError the connector raises itself, such as a SQLite file that does not exist):
 *   a ValidationError is thrown, with issues located as `connector.path`;
 * - the check ran and failed (connection refused, bad credentials, a timeout): the result
 *   says `ok: false` with the error.
 *
 * Nothing returned holds a secret value: resolved secrets are scrubbed from every message and
 * the result goes through `redactSecrets`.
 */
import { isErrorCode, messageOf, PlatformError, ValidationError } from '../core/errors.ts';
import { zodIssues } from '../core/zod-issues.ts';
import type { Connector, ConnectorRegistry, DiscoveredRelation } from './connector.ts';
import { createConnectorContext } from './connector-context.ts';
import { redactSecrets, resolveSecrets } from './secrets.ts';

/** A connector block as written in a spec or a `conn.yaml`: `{ type, ...config }`. */
export type ConnectorBlock = { type: string } & Record<string, unknown>;

export interface TestConnectorOptions {
  /** Folder that relative paths in the config resolve against. */
  baseDir: string;
  /** Also list the relations the connector can read (when it can discover). */
  discover?: boolean;
  /** Where `${env:NAME}` references are looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Gives up on the check after this long (default 60 s); the result is then `ok: false`. */
  timeoutMs?: number;
  /** Stops the check early, e.g. when an HTTP client goes away. */
  signal?: AbortSignal;
}

/** Why a check that ran did not succeed. */
export interface ConnectorTestError {
  /**
   * A platform error code (UNAUTHORIZED, ...), the system's own code when it has one
   * (ECONNREFUSED, ENOTFOUND, a SQLSTATE such as 28P01), TIMEOUT, or CHECK_FAILED.
   */
  code: string;
  message: string;
}

/** What a connector check found. */
export interface ConnectorTestResult {
  type: string;
  ok: boolean;
  /** What the connector reported on success (server version, file opened, ...). */
  message?: string;
  error?: ConnectorTestError;
  /** With `discover`: the tables, files or streams the connector can read. */
  relations?: DiscoveredRelation[];
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** Where issues of the block are located, as a user reads them in `connector.path`. */
const WHERE = 'connector';

/**
 * Validates a connector block, resolves its secrets, and runs the connector's `test()` and,
 * when asked and supported, `discover()`.
 * @example
 * const result = await testConnector(platform.connectors, { type: 'sqlite', path: 'app.db' }, { baseDir: process.cwd(), discover: true });
 * if (!result.ok) console.error(result.error?.message);
 */
export async function testConnector(registry: ConnectorRegistry, block: ConnectorBlock, options: TestConnectorOptions): Promise<ConnectorTestResult> {
  const { connector, config } = parseBlock(registry, block);
  const resolved = resolveSecrets(config, options.env ?? process.env, WHERE);
  const scrub = secretScrubber(config, resolved, connector.secretFields ?? []);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const ctx = await createConnectorContext({ config: resolved, baseDir: options.baseDir, signal: controller.signal });
  const result: ConnectorTestResult = { type: connector.type, ok: false };
  try {
    const tested = await withTimeout(connector.test(ctx), timeoutMs, controller);
    result.ok = true;
    if (tested.message !== undefined) result.message = scrub(tested.message);
    if (options.discover) {
      if (connector.discover) result.relations = await withTimeout(connector.discover(ctx), timeoutMs, controller);
      else result.message = `${result.message ?? 'ok'} (connector type '${connector.type}' cannot discover relations)`;
    }
  } catch (error) {
    // The connector's own ValidationErrors say the config is wrong, not that the system is down.
    if (error instanceof ValidationError || isErrorCode(error, 'VALIDATION_ERROR')) throw scrubbedValidationError(error, scrub);
    result.ok = false;
    result.error = { code: failureCode(error), message: scrub(describe(error)) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await ctx.dispose();
  }
  return redactSecrets(result, connector.secretFields ?? []);
}

/** The connector of a block and its config as the schema parsed it (defaults applied). */
function parseBlock(registry: ConnectorRegistry, block: ConnectorBlock): { connector: Connector<Record<string, unknown>>; config: Record<string, unknown> } {
  if (typeof block.type !== 'string' || block.type === '') {
    throw new ValidationError(`${WHERE}: missing connector type`, [{ path: `${WHERE}.type`, message: 'missing required field (a string)' }]);
  }
  const connector = registry.get(block.type);
  if (!connector) {
    const known = registry.list().map((c) => c.type).join(', ');
    throw new ValidationError(`${WHERE}: unknown connector type '${block.type}'`, [{ path: `${WHERE}.type`, message: `unknown connector type '${block.type}' (known: ${known})` }]);
  }
  const { type: _type, ...raw } = block;
  // Secrets are resolved after the schema check, so an unset variable of a field the schema
  // refuses anyway is not the first thing reported.
  const parsed = connector.configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const secretFields = connector.secretFields ?? [];
    // reportInput echoes values in messages; secret fields must not come back that way.
    const issues = zodIssues(parsed.error, WHERE).map((issue) => (secretFields.some((f) => issue.path === `${WHERE}.${f}`) ? { ...issue, message: issue.message.replace(/'.*'/, "'***'") } : issue));
    throw new ValidationError(`${WHERE}: invalid ${connector.type} connector config`, issues);
  }
  return { connector, config: parsed.data };
}

/**
 * Masks every secret value the config holds once resolved: values of secret fields and of
 * `${env:NAME}` references, wherever a driver repeats them in an error message.
 */
function secretScrubber(raw: unknown, resolved: unknown, secretFields: readonly string[]): (text: string) => string {
  const secrets = new Set<string>();
  const walk = (before: unknown, after: unknown, key?: string): void => {
    if (typeof after === 'string') {
      if ((typeof before === 'string' && before !== after) || (key !== undefined && secretFields.includes(key))) secrets.add(after);
      const password = /:\/\/[^/\s:@]+:([^/\s@]+)@/.exec(after)?.[1];
      if (password) secrets.add(password);
      return;
    }
    if (Array.isArray(after)) after.forEach((item, i) => walk(Array.isArray(before) ? before[i] : undefined, item));
    else if (after && typeof after === 'object') {
      for (const [k, v] of Object.entries(after)) walk((before as Record<string, unknown> | undefined)?.[k], v, k);
    }
  };
  walk(raw, resolved);
  // Short values would mask ordinary words of a message; they are not worth hiding anyway.
  const masked = [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => masked.reduce((out, secret) => out.split(secret).join('***'), text);
}

function scrubbedValidationError(error: unknown, scrub: (text: string) => string): ValidationError {
  const issues = error instanceof ValidationError ? error.issues.map((i) => ({ path: i.path, message: scrub(i.message) })) : [];
  // A ValidationError's message already lists its issues; keep only the first line to not repeat them.
  const first = messageOf(error).split('\n')[0] ?? '';
  return new ValidationError(`${WHERE}: ${scrub(first)}`, issues);
}

/** A message even for errors that have none (Node's AggregateError of a refused dual-stack connect). */
function describe(error: unknown): string {
  const message = messageOf(error);
  if (message) return message;
  const inner = (error as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(inner) && inner.length > 0) return inner.map(messageOf).filter(Boolean).join('; ');
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'the check failed';
}

function failureCode(error: unknown): string {
  if (error instanceof PlatformError) return error.code;
  if (error instanceof TimeoutError) return 'TIMEOUT';
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  const inner = (error as { errors?: Array<{ code?: unknown }> } | undefined)?.errors?.[0]?.code;
  return typeof inner === 'string' && /^[A-Z0-9_]{2,40}$/.test(inner) ? inner : 'CHECK_FAILED';
}

class TimeoutError extends Error {}

/** Races a connector call against the timeout; on timeout the call is asked to stop through its signal. */
async function withTimeout<T>(promise: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(`no answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const aborted = new Promise<never>((_resolve, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason as Error);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
  });
  try {
    return await Promise.race([promise, timeout, aborted]);
  } finally {
    clearTimeout(timer);
  }
}
