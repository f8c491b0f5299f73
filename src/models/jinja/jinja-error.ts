/**
 * A Jinja error of a project file, located the way users look for it:
 * `models/staging/stg_orders.sql:12: Unable to call \`reff\`, which is undefined`.
 */
import { ValidationError, messageOf } from '../../core/errors.ts';

/** A template error with the file and line it happened at (a user mistake, so a ValidationError). */
export class JinjaError extends ValidationError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}`);
  }

  /**
   * Turns a nunjucks error into a located one. nunjucks counts lines from 0 in errors raised while
   * rendering (they wrap a `cause`) and from 1 in syntax errors of the parser.
   */
  static from(error: unknown, file: string, lineOffset = 0): JinjaError {
    if (error instanceof JinjaError) return error;
    const located = error as { lineno?: unknown; cause?: unknown } | null;
    const lineno = typeof located?.lineno === 'number' ? located.lineno : undefined;
    const cause = located?.cause;
    let line: number | undefined;
    let reason: string;
    if (cause !== undefined) {
      line = (lineno ?? 0) + 1;
      // A located error from a nested render (a macro file, a description) keeps its own place.
      if (cause instanceof JinjaError) return cause;
      reason = messageOf(cause);
    } else {
      line = lineno;
      reason = messageOf(error).replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/, '');
    }
    return new JinjaError(file, line === undefined ? undefined : Math.max(1, line - lineOffset), reason.trim());
  }
}
