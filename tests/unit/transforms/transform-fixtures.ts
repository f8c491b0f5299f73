/**
 * Shared fixtures of the transform tests: an in-memory DuckDB with small tables, and helpers to
 * compile steps with the session's DESCRIBE and read the result.
 */
import { expect } from 'vitest';
import type { Issue } from '../../../src/core/errors.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { DuckDb, type DuckSession } from '../../../src/engine/duckdb.ts';
import { compileTransform, type CompileTransformOptions } from '../../../src/engine/transforms/compile-transform.ts';
import { parseTransformConfig } from '../../../src/engine/transforms/transform-config.ts';
import type { TransformPlan } from '../../../src/engine/transforms/transform-plan.ts';

/** Relations of the fixture tables, as a task would get them. */
export const INPUTS = { orders: '"orders"', customers: '"customers"', orders_2025: '"orders_2025"' };

export interface Fixture {
  db: DuckDb;
  session: DuckSession;
  close(): void;
}

/** Opens an in-memory DuckDB with `orders`, `customers` and `orders_2025`. */
export async function openFixture(): Promise<Fixture> {
  const db = await DuckDb.create({ threads: 2 });
  const session = await db.session();
  await session.run(`
    CREATE TABLE orders AS SELECT * FROM (VALUES
      (1, 10, 50.0, 'paid', TIMESTAMP '2025-01-01 10:00:00'),
      (2, 10, 150.0, 'paid', TIMESTAMP '2025-01-01 12:00:00'),
      (3, 20, 0.0, 'void', TIMESTAMP '2025-01-02 09:00:00'),
      (4, 20, 200.0, 'paid', TIMESTAMP '2025-01-02 11:00:00'),
      (5, 30, 80.0, 'void', TIMESTAMP '2025-01-03 08:00:00'),
      (6, 99, 20.0, 'paid', TIMESTAMP '2025-01-03 09:00:00')
    ) t(id, customer_id, amount, status, created_at);
    CREATE TABLE customers AS SELECT * FROM (VALUES
      (10, 'Ann', 'FR'), (20, 'Bob', 'DE'), (30, 'Cid', 'FR'), (40, 'Dee', 'US')
    ) t(id, name, country);
    CREATE TABLE orders_2025 AS SELECT * FROM (VALUES
      (7, 40, 'paid', 99.5, 'web')
    ) t(id, customer_id, status, amount, channel);
  `);
  return {
    db,
    session,
    close() {
      session.close();
      db.close();
    },
  };
}

/** Compiles raw (YAML-shaped) steps with the session's DESCRIBE. */
export async function compile(session: DuckSession, steps: unknown[], options: Partial<CompileTransformOptions> = {}): Promise<TransformPlan> {
  const parsed = parseTransformConfig({ steps }).steps;
  return compileTransform({ inputs: INPUTS, describe: (sql) => session.describe(sql), ...options, steps: parsed });
}

/** Compiles and runs raw steps; returns the rows. */
export async function runSteps(session: DuckSession, steps: unknown[], options: Partial<CompileTransformOptions> = {}): Promise<Array<Record<string, unknown>>> {
  const plan = await compile(session, steps, options);
  return session.all(plan.sql);
}

/** The issues of the ValidationError a call throws (fails the test when it does not throw one). */
export async function issuesOf(action: () => unknown): Promise<Issue[]> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** Sorts rows by the given columns, for results whose order SQL does not fix. */
export function sortRows<T extends Record<string, unknown>>(rows: T[], ...columns: string[]): T[] {
  const key = (row: T) => columns.map((c) => String(row[c] ?? '')).join('\u0000');
  return [...rows].sort((a, b) => key(a).localeCompare(key(b), 'en', { numeric: true }));
}
