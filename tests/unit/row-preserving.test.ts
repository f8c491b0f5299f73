import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { preservesRows } from '../../src/engine/row-preserving.ts';
import { useDuckSuite } from '../helpers/duck-suite.ts';

describe('preservesRows', () => {
  const suite = useDuckSuite('dd-rows-');
  let events: string;
  let lines: string;

  beforeAll(async () => {
    const { session, dir } = suite;
    events = `read_parquet('${path.join(dir, 'events.parquet')}')`;
    await session.run(
      `COPY (SELECT i AS id, i % 3 AS kind, {'name': 'u' || i, 'tags': [i, i + 1]} AS user FROM range(100) t(i)) TO '${path.join(dir, 'events.parquet')}' (FORMAT parquet)`,
    );
    await session.run(`COPY (SELECT i AS id, {'a': i} AS s FROM range(50) t(i)) TO '${path.join(dir, 'lines.ndjson')}' (FORMAT json)`);
    lines = `read_json('${path.join(dir, 'lines.ndjson')}', format = 'newline_delimited')`;
  });

  it('is true for projections and sorts over one plain file scan', async () => {
    expect(await preservesRows(suite.session, `SELECT id, user.name AS user_name, CAST(kind AS VARCHAR) AS k FROM ${events}`)).toBe(true);
    expect(await preservesRows(suite.session, `WITH a AS (SELECT * FROM ${events}), b AS (SELECT id * 2 AS twice, * FROM a) SELECT * FROM b ORDER BY twice DESC`)).toBe(true);
    expect(await preservesRows(suite.session, `SELECT s.a AS a FROM ${lines}`)).toBe(true);
  });

  it('is false for anything that can add or drop rows', async () => {
    const cases = [
      `SELECT * FROM ${events} WHERE kind = 1`,
      `SELECT * FROM ${lines} WHERE id > 3`,
      `SELECT * FROM ${events} LIMIT 5`,
      `SELECT id, unnest(user.tags) AS tag FROM ${events}`,
      `SELECT kind, count(*) FROM ${events} GROUP BY kind`,
      `SELECT DISTINCT kind FROM ${events}`,
      `SELECT a.id FROM ${events} a JOIN ${events} b ON a.id = b.id`,
      `SELECT id FROM ${events} UNION ALL SELECT id FROM ${events}`,
      `SELECT id, row_number() OVER () AS n FROM ${events}`,
      `SELECT 1 AS one`,
    ];
    for (const sql of cases) expect(await preservesRows(suite.session, sql), sql).toBe(false);
  });
});
