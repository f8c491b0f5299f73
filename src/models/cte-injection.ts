/**
 * Inlines ephemeral models into the SQL of what reads them, as dbt does: each becomes a CTE
 * named `__dbt__cte__<model>`, merged into the query's own WITH clause when it has one.
 */

/** SQL with CTEs added, and where the added text sits (to map error lines back). */
export interface InjectedSql {
  sql: string;
  /** 1-based line of `sql` where added text starts, and how many lines it added. */
  atLine: number;
  addedLines: number;
}

/** Skips whitespace and SQL comments from `start`; returns the index of the first token. */
function firstToken(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i] as string)) i++;
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else {
      return i;
    }
  }
}

/** Adds `ctes` (each `name as (...)`) to the front of `sql`. */
export function injectCtes(sql: string, ctes: readonly string[]): InjectedSql {
  if (ctes.length === 0) return { sql, atLine: 1, addedLines: 0 };
  const start = firstToken(sql);
  const withMatch = /^with(\s+recursive)?\b/i.exec(sql.slice(start));
  const atLine = sql.slice(0, start).split('\n').length;
  if (withMatch) {
    const cut = start + withMatch[0].length;
    const added = `\n${ctes.join(',\n')},\n`;
    return { sql: `${sql.slice(0, cut)}${added}${sql.slice(cut).replace(/^[ \t]+/, '')}`, atLine, addedLines: added.split('\n').length - 1 };
  }
  const added = `with ${ctes.join(',\n')}\n`;
  return { sql: `${sql.slice(0, start)}${added}${sql.slice(start)}`, atLine, addedLines: added.split('\n').length - 1 };
}
