import { describe, expect, it } from 'vitest';
import { assertSingleQuery, assertSqlExpression, scanSql } from '../../../src/engine/transforms/sql-guard.ts';

describe('SQL guard', () => {
  it('sees semicolons only outside strings, names and comments', () => {
    const text = `a = ';' and "x;y" = 1 -- ; here\n and b = E'it\\'s;' and c = $$;$$ and d = $t$ ; $t$ /* ; /* nested ; */ ; */ ; e`;
    const shape = scanSql(text);
    expect(shape.semicolons).toEqual([text.lastIndexOf(';')]);
    expect(shape.firstToken).toBe('A');
  });

  it('accepts expressions with strings, casts, lambdas and subqueries', () => {
    for (const ok of ["status <> 'void'", 'amount::DOUBLE > 0', 'list_transform(xs, x -> x + 1)', '(select max(id) from t) > 3', "'it''s'", 'a$b > 1', '$1 > 0']) {
      expect(() => assertSqlExpression(ok, 'p'), ok).not.toThrow();
    }
  });

  it('refuses what would leave the expression', () => {
    const cases: Array<[string, string]> = [
      ['1; drop table x', "';' is not allowed in an expression: it would end the statement"],
      ['1) or (1', "unbalanced ')'"],
      ['(1', "unbalanced '('"],
      ["'abc", 'unterminated string literal'],
      ['"abc', 'unterminated quoted name'],
      ['/* /* */', 'unterminated /* comment'],
      ['$x$ abc', 'unterminated $x$ string'],
      ["E'it\\' ; drop", 'unterminated string literal'],
      ['   ', 'the expression is empty'],
      ['-- only a comment', 'the expression is empty'],
    ];
    for (const [text, message] of cases) {
      expect(() => assertSqlExpression(text, 'steps[0].filter'), text).toThrow(message);
    }
  });

  it('accepts one query, strips one trailing semicolon, refuses other statements', () => {
    expect(assertSingleQuery('select 1;  -- done', 'p')).toBe('select 1');
    expect(assertSingleQuery('WITH a AS (SELECT 1) SELECT * FROM a', 'p')).toBe('WITH a AS (SELECT 1) SELECT * FROM a');
    expect(assertSingleQuery('(select 1) union all (select 2)', 'p')).toBe('(select 1) union all (select 2)');
    expect(() => assertSingleQuery('select 1; select 2', 'p')).toThrow('expected a single query: found more than one statement');
    expect(() => assertSingleQuery('insert into t values (1)', 'p')).toThrow('expected a single SELECT or WITH query, got INSERT');
    expect(() => assertSingleQuery('/* hi */ attach database', 'p')).toThrow('got ATTACH');
    expect(() => assertSingleQuery('', 'p')).toThrow('got nothing');
  });
});
