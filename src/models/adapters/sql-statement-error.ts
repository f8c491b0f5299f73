/**
 * A SQL statement of a model that the warehouse refused, located within the model SQL it wrapped
 * (`create table x as (` adds lines before the model's own), so the error can name the model
 * file and line.
 */
import { PlatformError, messageOf } from '../../core/errors.ts';

/** A failed statement, with the line of the model SQL it points at. */
export class SqlStatementError extends PlatformError {
  /** 1-based line within the wrapped model SQL, when the database said where. */
  readonly line: number | undefined;

  constructor(message: string, line: number | undefined, cause: unknown) {
    super('TASK_FAILED', message, { line }, { cause });
    this.line = line;
  }

  /**
   * Wraps a database error. `bodyStartLine` is the statement line where the model SQL begins.
   * DuckDB says `LINE 3:`; Postgres gives a 1-based character `position`.
   */
  static from(error: unknown, statement: string, bodyStartLine: number): SqlStatementError {
    if (error instanceof SqlStatementError) return error;
    const raw = messageOf(error);
    let statementLine: number | undefined;
    const duck = /\bLINE (\d+):/.exec(raw);
    if (duck) statementLine = Number(duck[1]);
    const position = (error as { position?: unknown } | null)?.position;
    if (statementLine === undefined && (typeof position === 'string' || typeof position === 'number')) {
      const offset = Number(position) - 1;
      if (Number.isInteger(offset) && offset >= 0) statementLine = statement.slice(0, offset).split('\n').length;
    }
    const line = statementLine === undefined ? undefined : Math.max(1, statementLine - bodyStartLine + 1);
    // DuckDB repeats the line with a caret after a blank line; the file:line prefix replaces it.
    const message = raw.split('\n\nLINE ')[0]?.trim() ?? raw;
    return new SqlStatementError(message, line, error);
  }
}
