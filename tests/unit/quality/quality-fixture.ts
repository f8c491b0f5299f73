/**
 * Shared fixture of the quality unit tests: an in-memory DuckDB with a `customers` table that
 * breaks a few rules on purpose, an `orders` table that references it, and a helper that runs
 * raw (spec-shaped) checks against a relation.
 */
import { DuckDb, type DuckSession } from '../../../src/engine/duckdb.ts';
import { quoteIdent } from '../../../src/engine/sql-quote.ts';
import { parseChecks } from '../../../src/quality/check.ts';
import type { CheckResult } from '../../../src/quality/check.ts';
import { runChecks, type RunChecksOptions } from '../../../src/quality/run-checks.ts';

/** The time freshness checks measure against in these tests. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

export interface QualityFixture {
  session: DuckSession;
  /** Runs raw checks on `relation` (default the customers table); other datasets resolve to tables of that name. */
  check(checks: unknown[], options?: Partial<Omit<RunChecksOptions, 'checks' | 'session'>>): Promise<CheckResult[]>;
  close(): void;
}

/**
 * customers: 6 rows; id 3 twice, one NULL email, one email without `@`, a status outside
 * (active, churned), an age of -1 and one of 130, last seen 2026-03-01 11:00 UTC at the latest.
 * orders: 4 rows; customer 99 does not exist, one order has no customer.
 */
export async function openQualityFixture(): Promise<QualityFixture> {
  const db = await DuckDb.create({ threads: 2 });
  const session = await db.session();
  await session.run(`
    CREATE TABLE customers AS SELECT * FROM (VALUES
      (1, 'ann@example.com', 'active', 34, 'FR', TIMESTAMP '2026-03-01 11:00:00'),
      (2, NULL, 'active', 41, 'DE', TIMESTAMP '2026-02-28 09:00:00'),
      (3, 'cid@example.com', 'churned', -1, 'FR', TIMESTAMP '2026-02-27 09:00:00'),
      (3, 'cid.again@example.com', 'active', 29, 'US', TIMESTAMP '2026-02-26 09:00:00'),
      (4, 'not-an-email', 'paused', 130, 'FR', TIMESTAMP '2026-02-25 09:00:00'),
      (5, 'eve@example.com', 'active', 52, NULL, TIMESTAMP '2026-02-24 09:00:00')
    ) t(id, email, status, age, country, last_seen);
    CREATE TABLE orders AS SELECT * FROM (VALUES
      (100, 1, 20.0), (101, 3, 35.5), (102, 99, 12.0), (103, NULL, 8.0)
    ) t(id, customer_id, amount);
  `);
  return {
    session,
    check: (checks, options = {}) =>
      runChecks({ session, relationSql: '"customers"', resolveDataset: async (name) => quoteIdent(name), now: NOW, ...options, checks: parseChecks(checks) }),
    close() {
      session.close();
      db.close();
    },
  };
}
