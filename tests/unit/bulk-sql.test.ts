import { describe, expect, it } from 'vitest';
import { columnsOf, compileBulkInsert } from '../../src/store/bulk-sql.ts';

describe('compileBulkInsert', () => {
  const rows = [
    { id: 'a', n: 1, note: undefined },
    { id: 'b', n: 2, note: "it's" },
  ];

  it('binds every value as a parameter, in row order, with the dialect placeholders', () => {
    const pg = compileBulkInsert('postgres', { table: 'things', columns: columnsOf(rows), rows });
    expect(pg.sql).toBe('insert into "things" ("id", "n", "note") values ($1, $2, $3), ($4, $5, $6)');
    expect(pg.parameters).toEqual(['a', 1, null, 'b', 2, "it's"]);
    const lite = compileBulkInsert('sqlite', { table: 'things', columns: ['id', 'n'], rows });
    expect(lite.sql).toBe('insert into "things" ("id", "n") values (?, ?), (?, ?)');
    expect(lite.parameters).toEqual(['a', 1, 'b', 2]);
  });

  it('writes the upsert and returning clauses', () => {
    const query = compileBulkInsert('postgres', {
      table: 'runs',
      columns: ['id', 'status'],
      rows: [{ id: 'r', status: 'running' }],
      conflict: { keys: ['id'], update: ['status'], set: { owner: 'case when excluded."owner" is null then null else "runs"."owner" end' } },
      returning: 'seq',
    });
    expect(query.sql).toBe(
      'insert into "runs" ("id", "status") values ($1, $2) on conflict ("id") do update set "status" = excluded."status", ' +
        '"owner" = case when excluded."owner" is null then null else "runs"."owner" end returning "seq"',
    );
  });
});
