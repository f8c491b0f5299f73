import { describe, expect, it } from 'vitest';
import { columnsOf, compilePostgresBatch, compileValuesInsert } from '../../src/store/bulk-sql.ts';

describe('compileValuesInsert', () => {
  const rows = [
    { id: 'a', n: 1, note: undefined, payload: '{"k":[1,2]}' },
    { id: 'b', n: 2, note: 'it\'s "quoted"', payload: null },
  ];

  it('binds every value as a parameter in row order on SQLite', () => {
    const lite = compileValuesInsert({ table: 'things', columns: columnsOf(rows), rows });
    expect(lite.sql).toBe('insert into "things" ("id", "n", "note", "payload") values (?, ?, ?, ?), (?, ?, ?, ?)');
    expect(lite.parameters).toEqual(['a', 1, null, '{"k":[1,2]}', 'b', 2, 'it\'s "quoted"', null]);
  });

  it('writes the upsert and returning clauses', () => {
    const query = compileValuesInsert({
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

describe('compilePostgresBatch', () => {
  const rows = [
    { id: 'a', n: 1, note: undefined, payload: '{"k":[1,2]}' },
    { id: 'b', n: 2, note: 'it\'s "quoted"\u0000', payload: null },
  ];

  it('sends each table\'s rows as one JSON document, JSON columns unwrapped to JSON', () => {
    const query = compilePostgresBatch({ writes: [{ table: 'things', columns: columnsOf(rows), rows, json: ['payload'] }] });
    expect(query.sql).toBe(
      'with "dd_write_0" as (insert into "things" ("id", "n", "note", "payload") select "id", "n", "note", ("payload" #>> \'{}\')::jsonb ' +
        'from json_populate_recordset(null::"things", $1::text::json)) select null::text as "returned", null::text as "conflict_run", null::text as "conflict_owner" where false',
    );
    expect(query.parameters).toHaveLength(1);
    // A NUL (which Postgres text cannot hold) arrives as U+FFFD.
    expect(JSON.parse(query.parameters[0] as string)).toEqual([
      { id: 'a', n: 1, payload: '{"k":[1,2]}' },
      { id: 'b', n: 2, note: 'it\'s "quoted"\ufffd', payload: null },
    ]);
  });

  it('gates every write on the ownership check and takes the append lock inside each append', () => {
    const query = compilePostgresBatch({
      ownedBy: { owner: 'e1', runIds: ['r1', 'r2'] },
      writes: [{ table: 'runs', columns: ['id'], rows: [{ id: 'r1' }] }, { table: 'task_runs', columns: ['run_id'], rows: [] }],
      appends: { lockKey: 7, inserts: [{ table: 'events', columns: ['run_id'], rows: [{ run_id: 'r1' }], returning: 'seq' }] },
    });
    expect(query.parameters.slice(0, 3)).toEqual(['e1', ['r1', 'r2'], 7]);
    expect(query.sql).toContain('"dd_owned" as materialized (select "id", "owner" from "runs" where "id" = any($2::text[]) order by "id" for update)');
    expect(query.sql).toContain('"dd_append_lock" as materialized (select pg_advisory_xact_lock($3::bigint)');
    // No statement for a table without rows.
    expect(query.sql).not.toContain('"task_runs"');
    expect(query.sql).toMatch(/insert into "runs" .* where \(select "ok" from "dd_allowed"\)\)/);
    expect(query.sql).toMatch(/from json_populate_recordset\(null::"events", \$5::text::json\), "dd_append_lock" where \(select "ok" from "dd_allowed"\) returning "seq"/);
    expect(query.sql).toContain('select "seq"::text as "returned"');
    expect(query.sql).toContain('union all select null, "id", "owner" from "dd_owned" where "owner" is distinct from $1::text');
  });
});
