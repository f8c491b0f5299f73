import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_SIZE } from '../../../src/quality/run-checks.ts';
import { NOW, openQualityFixture, type QualityFixture } from './quality-fixture.ts';

let f: QualityFixture;

beforeAll(async () => {
  f = await openQualityFixture();
});
afterAll(() => f.close());

/** The only result of running one raw check on customers (or on `relationSql`). */
async function one(check: Record<string, unknown>, relationSql?: string) {
  const [result] = await f.check([check], relationSql ? { relationSql } : {});
  if (!result) throw new Error('no result');
  return result;
}

describe('not_null', () => {
  it('passes when no checked column holds NULL', async () => {
    expect(await one({ type: 'not_null', columns: ['id', 'status'] })).toMatchObject({
      name: 'not_null(id, status)',
      type: 'not_null',
      severity: 'error',
      status: 'pass',
      failingRows: 0,
      sample: [],
    });
  });

  it('fails with the count, a message and the failing rows as the sample', async () => {
    const result = await one({ type: 'not_null', columns: 'email' });
    expect(result).toMatchObject({ name: 'not_null(email)', status: 'fail', failingRows: 1, message: '1 row where email is NULL' });
    expect(result.sample).toEqual([{ id: 2, email: null, status: 'active', age: 41, country: 'DE', last_seen: '2026-02-28T09:00:00.000Z' }]);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('counts a row once when several of its columns are NULL, and any of them fails it', async () => {
    expect(await one({ type: 'not_null', columns: ['email', 'country'] })).toMatchObject({ failingRows: 2, message: '2 rows where any of email, country is NULL' });
  });

  it('checks only the rows that meet `where`', async () => {
    expect(await one({ type: 'not_null', columns: 'email', where: "country = 'FR'" })).toMatchObject({ status: 'pass', failingRows: 0 });
  });
});

describe('unique', () => {
  it('fails with every row of a duplicated key, side by side in the sample', async () => {
    const result = await one({ type: 'unique', columns: 'id' });
    expect(result).toMatchObject({ name: 'unique(id)', status: 'fail', failingRows: 2, message: '2 rows share their id with another row' });
    expect(result.sample.map((r) => [r.id, r.email])).toEqual(
      expect.arrayContaining([
        [3, 'cid@example.com'],
        [3, 'cid.again@example.com'],
      ]),
    );
  });

  it('treats several columns as one combined key and ignores keys with a NULL', async () => {
    expect(await one({ type: 'unique', columns: ['id', 'country'] })).toMatchObject({ name: 'unique(id, country)', status: 'pass' });
    expect(await one({ type: 'unique', columns: 'email' })).toMatchObject({ status: 'pass' });
    expect(await one({ type: 'unique', columns: 'country' })).toMatchObject({ status: 'fail', failingRows: 3, message: '3 rows share their country with another row' });
  });

  it('compares only the rows that meet `where`', async () => {
    expect(await one({ type: 'unique', columns: 'id', where: "status = 'active'" })).toMatchObject({ status: 'pass' });
  });
});

describe('accepted_values', () => {
  it('fails the rows whose value is not in the list and lets NULL pass', async () => {
    const result = await one({ type: 'accepted_values', column: 'status', values: ['active', 'churned'] });
    expect(result).toMatchObject({ name: 'accepted_values(status)', status: 'fail', failingRows: 1 });
    expect(result.sample.map((r) => r.status)).toEqual(['paused']);
    expect(await one({ type: 'accepted_values', column: 'status', values: ['active', 'churned', 'paused'] })).toMatchObject({ status: 'pass' });
    expect(await one({ type: 'accepted_values', column: 'country', values: ['FR', 'DE', 'US'] })).toMatchObject({ status: 'pass' });
  });

  it('compares numbers as numbers, and values that do not convert never pass', async () => {
    expect(await one({ type: 'accepted_values', column: 'id', values: [1, 2, 3, 4, 5] })).toMatchObject({ status: 'pass' });
    expect(await one({ type: 'accepted_values', column: 'id', values: [1, 2, 3] })).toMatchObject({ status: 'fail', failingRows: 2 });
    expect(await one({ type: 'accepted_values', column: 'email', values: [1] })).toMatchObject({ status: 'fail', failingRows: 5 });
  });

  it('quotes values, so a quote in one is data, not SQL', async () => {
    expect(await one({ type: 'accepted_values', column: 'status', values: ["active' OR 1=1 --", 'churned'] })).toMatchObject({ failingRows: 5 });
  });
});

describe('range', () => {
  it('fails values below min or above max and ignores NULL', async () => {
    const result = await one({ type: 'range', column: 'age', min: 0, max: 120 });
    expect(result).toMatchObject({ name: 'range(age)', status: 'fail', failingRows: 2, message: '2 rows where age is outside [0, 120]' });
    expect(result.sample.map((r) => r.age).sort()).toEqual([-1, 130]);
  });

  it('includes the bounds unless inclusive is false', async () => {
    expect(await one({ type: 'range', column: 'id', min: 1, max: 5 })).toMatchObject({ status: 'pass' });
    expect(await one({ type: 'range', column: 'id', min: 1, max: 5, inclusive: false })).toMatchObject({ failingRows: 2, message: '2 rows where id is outside (1, 5)' });
  });

  it('takes one bound alone, and text bounds compare as the column type (timestamps)', async () => {
    expect(await one({ type: 'range', column: 'age', min: 0 })).toMatchObject({ failingRows: 1 });
    expect(await one({ type: 'range', column: 'last_seen', min: '2026-02-25' })).toMatchObject({ failingRows: 1, message: '1 row where last_seen is outside [2026-02-25, inf]' });
  });
});

describe('regex', () => {
  it('fails values that do not fully match and ignores NULL', async () => {
    const result = await one({ type: 'regex', column: 'email', pattern: '[^@]+@[^@]+\\.[a-z]+' });
    expect(result).toMatchObject({ name: 'regex(email)', status: 'fail', failingRows: 1 });
    expect(result.sample.map((r) => r.email)).toEqual(['not-an-email']);
  });

  it('matches the whole value, not a part of it', async () => {
    expect(await one({ type: 'regex', column: 'email', pattern: '[a-z]+' })).toMatchObject({ failingRows: 5 });
  });

  it('reports a pattern DuckDB refuses as a failed check that could not run', async () => {
    expect(await one({ type: 'regex', column: 'email', pattern: '(' })).toMatchObject({ status: 'fail', failingRows: 0, message: expect.stringMatching(/^could not run: .*missing \)/) });
  });
});

describe('row_count', () => {
  it('passes within the bounds and fails outside them with what it counted', async () => {
    expect(await one({ type: 'row_count', min: 1, max: 10 })).toMatchObject({ name: 'row_count', status: 'pass', message: '6 rows, expected at least 1 and at most 10' });
    expect(await one({ type: 'row_count', min: 10 })).toMatchObject({ status: 'fail', failingRows: 0, sample: [{ rows: 6, min: 10 }], message: '6 rows, expected at least 10' });
  });

  it('counts only the rows that meet `where`', async () => {
    expect(await one({ type: 'row_count', max: 2, where: "country = 'FR'" })).toMatchObject({ status: 'fail', sample: [{ rows: 3, max: 2 }] });
  });
});

describe('freshness', () => {
  it('measures the newest value against the injected now', async () => {
    expect(await one({ type: 'freshness', column: 'last_seen', max_age: '2h' })).toMatchObject({
      name: 'freshness(last_seen)',
      status: 'pass',
      message: 'latest last_seen 2026-03-01T11:00:00.000Z is 1h 00m old, within max_age 2h 00m',
    });
    const stale = await one({ type: 'freshness', column: 'last_seen', max_age: '30m' });
    expect(stale).toMatchObject({ status: 'fail', message: 'latest last_seen 2026-03-01T11:00:00.000Z is 1h 00m old, more than max_age 30m 00s' });
    expect(stale.sample).toEqual([{ latest: '2026-03-01T11:00:00.000Z', now: NOW.toISOString(), age_ms: 3_600_000, max_age_ms: 1_800_000 }]);
  });

  it('is relative to the now it is given', async () => {
    const [result] = await f.check([{ type: 'freshness', column: 'last_seen', max_age: '1d' }], { now: new Date('2026-03-10T00:00:00Z') });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringContaining('8d 13h old') });
  });

  it('looks at the rows that meet `where`, and fails when there is no value to measure', async () => {
    expect(await one({ type: 'freshness', column: 'last_seen', max_age: '2d', where: "status = 'churned'" })).toMatchObject({ status: 'fail' });
    expect(await one({ type: 'freshness', column: 'last_seen', max_age: '2d', where: 'false' })).toMatchObject({
      status: 'fail',
      message: 'no last_seen values to measure freshness against max_age 2d 0h',
    });
    expect(await one({ type: 'freshness', column: 'country', max_age: '2d' })).toMatchObject({ status: 'fail', message: expect.stringMatching(/country is not a time/) });
  });
});

describe('schema', () => {
  it('passes when the named columns have the types (aliases allowed)', async () => {
    expect(await one({ type: 'schema', columns: { id: 'INTEGER', email: 'TEXT', last_seen: 'timestamp' } })).toMatchObject({ name: 'schema', status: 'pass' });
  });

  it('fails on a missing column or another type, listing each problem', async () => {
    const result = await one({ type: 'schema', columns: { id: 'BIGINT', phone: 'VARCHAR' } });
    expect(result).toMatchObject({ status: 'fail', failingRows: 0, message: "column 'id' is INTEGER, expected BIGINT; column 'phone' is missing" });
    expect(result.sample).toEqual([
      { column: 'id', expected: 'BIGINT', actual: 'INTEGER' },
      { column: 'phone', expected: 'VARCHAR', actual: null },
    ]);
  });

  it('refuses columns it does not name when strict', async () => {
    const result = await one({ type: 'schema', columns: { id: 'INTEGER', email: 'VARCHAR', status: 'VARCHAR', age: 'INTEGER', country: 'VARCHAR' }, strict: true });
    expect(result).toMatchObject({ status: 'fail', message: "column 'last_seen' is not in the schema (strict)" });
  });
});

describe('relationships', () => {
  it('fails rows whose value has no match in the other dataset and ignores NULL', async () => {
    const result = await one({ type: 'relationships', column: 'customer_id', to: 'customers', field: 'id' }, '"orders"');
    expect(result).toMatchObject({ name: 'relationships(customer_id -> customers.id)', status: 'fail', failingRows: 1, message: '1 row where customer_id has no match in customers.id' });
    expect(result.sample).toEqual([{ id: 102, customer_id: 99, amount: 12 }]);
  });

  it('resolves the other dataset through resolveDataset', async () => {
    const asked: string[] = [];
    const [result] = await f.check([{ type: 'relationships', column: 'customer_id', to: 'people', field: 'id', where: 'customer_id <> 99' }], {
      relationSql: '"orders"',
      resolveDataset: async (name) => {
        asked.push(name);
        return '"customers"';
      },
    });
    expect(asked).toEqual(['people']);
    expect(result).toMatchObject({ status: 'pass' });
  });
});

describe('custom_sql', () => {
  it('fails with the rows the query returns, {{ this }} being the checked relation', async () => {
    const result = await one({ type: 'custom_sql', name: 'plausible_age', sql: 'SELECT id, age FROM {{ this }} WHERE age < 0 OR age > 120 ORDER BY id' });
    expect(result).toMatchObject({ name: 'plausible_age', status: 'fail', failingRows: 2, message: '2 rows returned by the custom SQL', sample: [{ id: 3, age: -1 }, { id: 4, age: 130 }] });
  });

  it('reads other datasets with {{ ref() }} and params with {{ params.name }}', async () => {
    const sql = "SELECT c.id FROM {{ this }} c WHERE c.age >= {{ params.min_age }} AND NOT EXISTS (SELECT 1 FROM {{ ref('orders') }} o WHERE o.customer_id = c.id)";
    const [result] = await f.check([{ type: 'custom_sql', sql }], { params: { min_age: 30 } });
    expect(result).toMatchObject({ status: 'fail', failingRows: 3 });
    expect(result?.sample.map((r) => r.id).sort()).toEqual([2, 4, 5]);
  });

  it('applies `where` to {{ this }}', async () => {
    expect(await one({ type: 'custom_sql', sql: 'SELECT * FROM {{ this }} WHERE age < 0', where: "country <> 'FR'" })).toMatchObject({ status: 'pass' });
  });

  it('refuses more than one statement, naming where the SQL is', async () => {
    const result = await one({ type: 'custom_sql', sql: 'SELECT 1; DROP TABLE customers' });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringMatching(/^could not run: invalid SQL query/) });
    expect(await f.session.one('SELECT count(*) AS n FROM customers')).toEqual({ n: 6 });
  });
});

describe('running checks', () => {
  it('keeps at most five failing rows as the sample, JSON-safe', async () => {
    const result = await one({ type: 'custom_sql', sql: 'SELECT * FROM {{ this }}' });
    expect(result.failingRows).toBe(6);
    expect(result.sample).toHaveLength(SAMPLE_SIZE);
    expect(result.sample.every((r) => typeof r.last_seen === 'string')).toBe(true);
  });

  it('reports a warn check that fails as warn and an error check as fail', async () => {
    const results = await f.check([
      { type: 'not_null', columns: 'email', severity: 'warn' },
      { type: 'not_null', columns: 'email', severity: 'error' },
      { type: 'not_null', columns: 'id', severity: 'warn' },
    ]);
    expect(results.map((r) => [r.severity, r.status])).toEqual([
      ['warn', 'warn'],
      ['error', 'fail'],
      ['warn', 'pass'],
    ]);
  });

  it('runs every check in order even when one cannot run', async () => {
    const results = await f.check([{ type: 'not_null', columns: 'phone' }, { type: 'unique', columns: 'email' }, { type: 'not_null', columns: 'id', where: 'x;' }]);
    expect(results.map((r) => r.status)).toEqual(['fail', 'pass', 'fail']);
    expect(results[0]?.message).toMatch(/^could not run: .*phone/);
    expect(results[2]?.message).toMatch(/^could not run: invalid SQL expression/);
  });

  it('never lets a column name escape its quotes', async () => {
    const result = await one({ type: 'not_null', columns: 'id" IS NULL OR 1=1 OR "id' });
    expect(result).toMatchObject({ status: 'fail', message: expect.stringMatching(/could not run: .*not found/) });
  });
});
