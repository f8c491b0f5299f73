/**
 * The platform's logger: pino, JSON lines in production and when output is not a terminal,
 * pretty lines in a terminal. Run lines carry run_id, pipeline_id, task_id and attempt.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export interface LoggerOptions {
  level?: string;
  /** Pretty output; defaults to true in a terminal outside production. */
  pretty?: boolean;
  /** Where lines go: 1 (stdout, default) or 2 (stderr). */
  fd?: 1 | 2;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const isTty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const usePretty = options.pretty ?? (Boolean(isTty) && process.env.NODE_ENV !== 'production');
  const base = { level, base: { service: 'datadog-platform' } };
  if (usePretty) {
    return pino(base, pretty({ destination: fd, sync: true, colorize: Boolean(isTty), ignore: 'pid,hostname,service' }));
  }
  return pino(base, pino.destination({ fd, sync: false }));
}

export type { Logger };
