import { describe, expect, it } from 'vitest';
import { columnsOf, compileBulkInsert } from '../../src/store/bulk-sql.ts';

describe('compileBulkInsert', () => {
  const rows = [
    { id: 'a', n: 1, note: undefined, payload: '{"k":[1,2]}' },
    { id: 'b', n: 2, note: 'it\'s "quoted"', payload: null },
  ];

  it('binds every value as a parameter in row order on SQLite', () => {
    const lite = compileBulkInsert('sqlite', { table: 'things', columns: columnsOf(rows), rows });
    expect(lite.sql).toBe('insert into "things" ("id", "n", "note", "payload") values (?, ?, ?, ?), (?, ?, ?, ?)');
    expect(lite.parameters).toEqual(['a', 1, null, '{"k":[1,2]}', 'b', 2, 'it\'s "quoted"', null]);
  });

  it('sends the rows as one JSON document on Postgres, JSON columns unwrapped to JSON', () => {
    const pg = compileBulkInsert('postgres', { table: 'things', columns: columnsOf(rows), rows, json: ['payload'] });
    expect(pg.sql).toBe(
      'insert into "things" ("id", "n", "note", "payload") select "id", "n", "note", ("payload" #>> \'{}\')::jsonb from json_populate_recordset(null::"things", $1::json)',
    );
    expect(pg.parameters).toHaveLength(1);
    expect(JSON.parse(pg.parameters[0] as string)).toEqual([
      { id: 'a', n: 1, payload: '{"k":[1,2]}' },
      { id: 'b', n: 2, note: 'it\'s "quoted"', payload: null },
    ]);
  });

  it('writes the upsert and returning clauses', () => {
    const query = compileBulkInsert('sqlite', {
      table: 'runs',
      columns: ['id', 'status'],
      rows: [{ id: 'r', status: 'running' }],
      conflict: { keys: ['id'], update: ['status'], set: { owner: 'case when excluded."owner" is null then null else "runs"."owner" end' } },
      returning: 'seq',
    });
    expect(query.sql).toBe(
      'insert into "runs" ("id", "status") values (?, ?) on conflict ("id") do update set "status" = excluded."status", ' +
        '"owner" = case when excluded."owner" is null then null else "runs"."owner" end returning "seq"',
    );
  });
});
