/**
 * A DuckDB session and a scratch folder for one test suite: opened before its tests, closed and
 * deleted after them. Read `session` and `dir` inside hooks and tests (they are set in beforeAll).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DuckDb, type DuckSession } from '../../src/engine/duckdb.ts';

export interface DuckSuite {
  readonly session: DuckSession;
  readonly dir: string;
}

export function useDuckSuite(prefix: string): DuckSuite {
  const suite = {} as { db: DuckDb; session: DuckSession; dir: string };
  beforeAll(async () => {
    suite.dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    suite.db = await DuckDb.create({ threads: 2 });
    suite.session = await suite.db.session();
  });
  afterAll(async () => {
    suite.session?.close();
    suite.db?.close();
    if (suite.dir) await rm(suite.dir, { recursive: true, force: true });
  });
  return suite;
}
