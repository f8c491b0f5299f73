/**
 * The few ANSI escapes the CLI uses, so no colour or terminal library is needed. Colour is off
 * unless asked for; callers decide from the stream (a TTY) and NO_COLOR / FORCE_COLOR.
 */

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type AnsiStyle = keyof typeof CODES;

// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const ESCAPE_AT_START = /^\x1b\[[0-9;?]*[A-Za-z]/;

/** Helpers bound to one colour decision. */
export interface Ansi {
  readonly enabled: boolean;
  style(style: AnsiStyle, text: string): string;
}

/** Whether to colour output to this stream: a TTY, unless NO_COLOR is set; FORCE_COLOR wins. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** Creates the style helper; a no-op when `enabled` is false. */
export function createAnsi(enabled: boolean): Ansi {
  return {
    enabled,
    style: (style, text) => (enabled ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text),
  };
}

/** The text without escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '');
}

/** Cuts a possibly coloured line to `width` visible characters, so it never wraps (a wrapped line breaks redrawing). */
export function truncateAnsi(text: string, width: number): string {
  if (stripAnsi(text).length <= width) return text;
  let out = '';
  let visible = 0;
  for (let i = 0; i < text.length; ) {
    const match = text[i] === '\x1b' ? ESCAPE_AT_START.exec(text.slice(i)) : null;
    if (match) {
      out += match[0];
      i += match[0].length;
      continue;
    }
    if (visible >= width - 1) break;
    out += text[i];
    visible++;
    i++;
  }
  return `${out}…\x1b[0m`;
}

/** Cursor movements for redrawing a block of lines in place. */
export const cursor = {
  /** Up `n` lines, to the start of the line, then clear to the end of the screen. */
  rewind: (n: number): string => (n > 0 ? `\x1b[${n}F\x1b[0J` : '\r\x1b[0J'),
} as const;
