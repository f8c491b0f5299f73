import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSchemaContract } from '../../../src/engine/transforms/schema-contract.ts';
import { issuesOf, openFixture, type Fixture } from './transform-fixtures.ts';

let fx: Fixture;
const SQL = `SELECT * FROM (VALUES (1::BIGINT, 'a@x.io', '12.5'), (2::BIGINT, 'b@x.io', 'n/a'), (3::BIGINT, NULL, NULL), (4::BIGINT, 'd@x.io', '7')) t(id, email, amount)`;

beforeAll(async () => {
  fx = await openFixture();
});
afterAll(() => fx.close());

describe('schema contracts', () => {
  it('passes a matching output through unchanged, with type aliases', async () => {
    const result = await checkSchemaContract({ session: fx.session, sql: SQL, contract: { columns: { id: 'INT8', email: 'TEXT' } }, onMismatch: 'fail' });
    expect(result.sql).toBe(SQL);
    expect(result.rejectsSql).toBeUndefined();
    expect(result.mismatches).toEqual([]);
  });

  it('fails on a mistyped column, naming it and both types', async () => {
    const issues = await issuesOf(() => checkSchemaContract({ session: fx.session, sql: SQL, contract: { columns: { id: 'BIGINT', amount: 'DOUBLE' } }, onMismatch: 'fail' }));
    expect(issues).toEqual([{ path: 'schema.columns.amount', message: "column 'amount': expected DOUBLE, got VARCHAR" }]);
  });

  it('fails on missing columns in both modes, and on extra ones when strict', async () => {
    for (const onMismatch of ['fail', 'reject'] as const) {
      const issues = await issuesOf(() => checkSchemaContract({ session: fx.session, sql: SQL, contract: { columns: { id: 'BIGINT', name: 'VARCHAR', age: 'INTEGER' } }, onMismatch }));
      expect(issues).toEqual([{ path: 'schema.columns', message: "missing columns 'name', 'age'" }]);
    }
    const strict = await issuesOf(() =>
      checkSchemaContract({ session: fx.session, sql: SQL, contract: { columns: { id: 'BIGINT' }, strict: true }, onMismatch: 'fail', path: 'outputs.users.schema' }),
    );
    expect(strict).toEqual([{ path: 'outputs.users.schema.columns', message: "unexpected columns 'email', 'amount' (strict)" }]);
  });

  it('rejects the rows that do not convert and casts the others', async () => {
    const result = await checkSchemaContract({
      session: fx.session,
      sql: SQL,
      contract: { columns: { id: 'BIGINT', email: 'VARCHAR', amount: 'DOUBLE' } },
      onMismatch: 'reject',
      source: 'task users',
    });
    expect(result.mismatches).toEqual([{ column: 'amount', expected: 'DOUBLE', actual: 'VARCHAR' }]);
    expect(await fx.session.describe(result.sql)).toEqual([
      { name: 'id', type: 'BIGINT', nullable: true },
      { name: 'email', type: 'VARCHAR', nullable: true },
      { name: 'amount', type: 'DOUBLE', nullable: true },
    ]);
    expect(await fx.session.all(`${result.sql} ORDER BY id`)).toEqual([
      { id: 1, email: 'a@x.io', amount: 12.5 },
      { id: 3, email: null, amount: null },
      { id: 4, email: 'd@x.io', amount: 7 },
    ]);
    const rejects = await fx.session.all(result.rejectsSql ?? '');
    expect(rejects).toEqual([{ raw: '{"id":2,"email":"b@x.io","amount":"n/a"}', reason: `column 'amount': value "n/a" is not DOUBLE`, source: 'task users' }]);
  });

  it('names every failing column of a rejected row', async () => {
    const sql = `SELECT * FROM (VALUES ('x', 'y'), ('1', '2')) t(a, b)`;
    const result = await checkSchemaContract({ session: fx.session, sql, contract: { columns: { a: 'INTEGER', b: 'INTEGER' } }, onMismatch: 'reject' });
    expect(await fx.session.all(result.rejectsSql ?? '')).toEqual([
      { raw: '{"a":"x","b":"y"}', reason: `column 'a': value "x" is not INTEGER; column 'b': value "y" is not INTEGER`, source: 'schema contract' },
    ]);
    expect(await fx.session.all(result.sql)).toEqual([{ a: 1, b: 2 }]);
  });

  it('validates the contract itself', async () => {
    const issues = await issuesOf(() => checkSchemaContract({ session: fx.session, sql: SQL, contract: { columns: { id: 'BIGINT); drop table x; --' } }, onMismatch: 'fail' }));
    expect(issues[0]?.path).toBe('schema.columns.id');
    expect(issues[0]?.message).toMatch(/invalid DuckDB type/);
  });
});
