/**
 * How statuses of runs and tasks look in the terminal: one symbol and one colour each, the same
 * in the live table, the transition lines, `pipeline status` and the run summary.
 */
import type { RunStatus, TaskStatus } from '../../core/statuses.ts';
import type { Ansi, AnsiStyle } from '../ansi.ts';

interface Look {
  symbol: string;
  style: AnsiStyle;
}

const LOOKS: Record<TaskStatus | RunStatus, Look> = {
  pending: { symbol: '·', style: 'gray' },
  queued: { symbol: '○', style: 'blue' },
  running: { symbol: '▶', style: 'cyan' },
  up_for_retry: { symbol: '↻', style: 'yellow' },
  succeeded: { symbol: '✔', style: 'green' },
  failed: { symbol: '✖', style: 'red' },
  skipped: { symbol: '»', style: 'gray' },
  upstream_failed: { symbol: '⊘', style: 'magenta' },
  cancelled: { symbol: '■', style: 'yellow' },
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The symbol of a status; running tasks spin when given a frame number. */
export function statusSymbol(ansi: Ansi, status: TaskStatus | RunStatus, frame?: number): string {
  const look = LOOKS[status];
  const symbol = status === 'running' && frame !== undefined ? (SPINNER[frame % SPINNER.length] as string) : look.symbol;
  return ansi.style(look.style, symbol);
}

/** The status word in its colour, padded to `width` visible characters. */
export function statusText(ansi: Ansi, status: TaskStatus | RunStatus, width = 0): string {
  return ansi.style(LOOKS[status].style, status.padEnd(width));
}
