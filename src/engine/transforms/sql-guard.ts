/**
 * Keeps user SQL inside the CTE it is spliced into. Filters, derived columns and `sql` steps are
 * user SQL by design, but they must not end the statement (`;`), close the parentheses around
 * them, or open a comment or string that swallows the SQL generated after them.
 *
 * The scanner follows DuckDB's lexical rules for the things that hide a `;` or a parenthesis:
 * '...' strings (also E'...' with backslash escapes), "..." names, $tag$...$tag$ strings,
 * `--` line comments and nested block comments.
 */
import { ValidationError } from '../../core/errors.ts';

/** What the scanner saw outside strings, names and comments. */
export interface SqlShape {
  /** Offsets of `;` outside strings and comments. */
  semicolons: number[];
  /** The first word, upper-cased (`SELECT`, `WITH`, ...), or the first other character (`(`, `'`). */
  firstToken: string | undefined;
}

/** Scans SQL text; throws on an unterminated string, name or comment, or unbalanced parentheses. */
export function scanSql(text: string): SqlShape {
  const semicolons: number[] = [];
  let firstToken: string | undefined;
  let depth = 0;
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(message);
  };
  while (i < text.length) {
    const ch = text[i] as string;
    const next = text[i + 1];
    const comment = (ch === '-' && next === '-') || (ch === '/' && next === '*');
    if (firstToken === undefined && !comment && !/\s/.test(ch)) {
      firstToken = /[A-Za-z_]/.test(ch) ? (/^[A-Za-z_]+/.exec(text.slice(i))?.[0] ?? ch).toUpperCase() : ch;
    }
    if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '/' && next === '*') {
      let nesting = 1;
      i += 2;
      while (nesting > 0) {
        if (i >= text.length) fail('unterminated /* comment');
        if (text[i] === '/' && text[i + 1] === '*') {
          nesting++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          nesting--;
          i += 2;
        } else i++;
      }
    } else if (ch === "'") {
      const escapes = i > 0 && /[Ee]/.test(text[i - 1] as string) && !/[A-Za-z0-9_$]/.test(text[i - 2] ?? ' ');
      i = skipQuoted(text, i, "'", escapes) ?? fail('unterminated string literal');
    } else if (ch === '"') {
      i = skipQuoted(text, i, '"', false) ?? fail('unterminated quoted name');
    } else if (ch === '$' && !/[A-Za-z0-9_$]/.test(text[i - 1] ?? ' ')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        if (end < 0) fail(`unterminated ${tag[0]} string`);
        i = end + tag[0].length;
      } else i++;
    } else {
      if (ch === ';') semicolons.push(i);
      else if (ch === '(') depth++;
      else if (ch === ')' && --depth < 0) fail("unbalanced ')'");
      i++;
    }
  }
  if (depth > 0) fail("unbalanced '('");
  return { semicolons, firstToken };
}

function skipQuoted(text: string, start: number, quote: string, backslashEscapes: boolean): number | undefined {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (backslashEscapes && ch === '\\') i += 2;
    else if (ch === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return undefined;
}

/**
 * Checks a SQL expression (a filter, a derived column): one expression, no `;`, balanced.
 * @param path where the expression is in the config, for the error (`steps[0].filter`).
 */
export function assertSqlExpression(text: string, path: string): void {
  let shape: SqlShape;
  try {
    shape = scanSql(text);
  } catch (error) {
    throw new ValidationError('invalid SQL expression', [{ path, message: (error as Error).message }]);
  }
  if (shape.semicolons.length > 0) {
    throw new ValidationError('invalid SQL expression', [{ path, message: "';' is not allowed in an expression: it would end the statement" }]);
  }
  if (shape.firstToken === undefined) throw new ValidationError('invalid SQL expression', [{ path, message: 'the expression is empty' }]);
}

/** Keywords that start a query DuckDB can use as a CTE body. */
const QUERY_STARTS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'PIVOT', 'UNPIVOT', '(']);

/**
 * Checks a `sql` step: exactly one SELECT (or WITH, FROM-first, VALUES, PIVOT) query. A single
 * trailing `;` is tolerated and removed. Returns the query without it.
 */
export function assertSingleQuery(text: string, path: string): string {
  let shape: SqlShape;
  try {
    shape = scanSql(text);
  } catch (error) {
    throw new ValidationError('invalid SQL query', [{ path, message: (error as Error).message }]);
  }
  let query = text;
  const last = shape.semicolons.at(-1);
  if (shape.semicolons.length === 1 && last !== undefined && scanSql(text.slice(last + 1)).firstToken === undefined) {
    query = text.slice(0, last);
  } else if (shape.semicolons.length > 0) {
    throw new ValidationError('invalid SQL query', [{ path, message: 'expected a single query: found more than one statement' }]);
  }
  if (!shape.firstToken || !QUERY_STARTS.has(shape.firstToken)) {
    const got = shape.firstToken ? `got ${shape.firstToken}` : 'got nothing';
    throw new ValidationError('invalid SQL query', [{ path, message: `expected a single SELECT or WITH query, ${got}` }]);
  }
  return query;
}
