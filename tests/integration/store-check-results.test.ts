/**
 * The store's check results contract (saveCheckResults, listCheckResults), run on SQLite and on
 * the real PostgreSQL like the rest of the store contract. Each test uses datasets and runs of
 * its own, so tests never assume the table is empty.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { CheckResultRecord, Store } from '../../src/store/store.ts';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';

const uid = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;
const at = (ms: number): string => new Date(Date.parse('2026-03-01T00:00:00.000Z') + ms).toISOString();

function makeResult(overrides: Partial<CheckResultRecord> = {}): CheckResultRecord {
  return {
    id: uid('chk'),
    dataset: 'orders',
    versionId: 'v1',
    runId: 'run1',
    taskId: 'clean',
    pipelineId: 'shop',
    name: 'not_null(email)',
    type: 'not_null',
    severity: 'error',
    status: 'fail',
    failingRows: 3,
    sample: [{ id: 1, email: null, at: '2026-03-01T00:00:00.000Z', nested: { tags: ['a'] } }],
    message: '3 rows where email is NULL',
    durationMs: 12,
    createdAt: at(0),
    ...overrides,
  };
}

/** The check results contract against stores made by `create` (all on one database). */
function runCheckResultsContract(name: string, options: { create: () => Promise<Store> }): void {
  describe(`${name} store: check results`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await options.create();
      expect((await store.migrate()).error).toBeUndefined();
    });

    afterAll(async () => {
      await store?.close();
    });

    it('stores results and reads them back whole, samples as JSON', async () => {
      const dataset = uid('ds');
      const result = makeResult({ dataset, failingRows: 2 ** 40, durationMs: 1234 });
      await store.saveCheckResults([result]);
      expect(await store.listCheckResults({ dataset })).toEqual([result]);
    });

    it('lists newest first, and the checks of one audit in the order of their ids', async () => {
      const dataset = uid('ds');
      const older = [makeResult({ dataset, id: `${dataset}-a-0001`, createdAt: at(0) })];
      const newer = [0, 1, 2].map((i) => makeResult({ dataset, id: `${dataset}-b-000${i}`, name: `check ${i}`, createdAt: at(60_000) }));
      await store.saveCheckResults([...older, ...[...newer].reverse()]);
      expect((await store.listCheckResults({ dataset })).map((r) => r.name)).toEqual(['check 0', 'check 1', 'check 2', 'not_null(email)']);
      expect(await store.listCheckResults({ dataset, limit: 2 })).toHaveLength(2);
    });

    it('filters by dataset, version and run', async () => {
      const [a, b] = [uid('ds'), uid('ds')];
      const run = uid('run');
      await store.saveCheckResults([
        makeResult({ dataset: a, versionId: 'va1', runId: run }),
        makeResult({ dataset: a, versionId: 'va2', runId: uid('run') }),
        makeResult({ dataset: b, versionId: 'vb1', runId: run }),
      ]);
      expect((await store.listCheckResults({ dataset: a })).map((r) => r.versionId).sort()).toEqual(['va1', 'va2']);
      expect((await store.listCheckResults({ versionId: 'vb1' })).map((r) => r.dataset)).toEqual([b]);
      expect((await store.listCheckResults({ runId: run })).map((r) => r.dataset).sort()).toEqual([a, b].sort());
      expect(await store.listCheckResults({ dataset: a, runId: run })).toHaveLength(1);
      expect(await store.listCheckResults({ dataset: uid('none') })).toEqual([]);
    });

    it('replaces a result saved again under the same id (a retried task)', async () => {
      const dataset = uid('ds');
      const first = makeResult({ dataset, status: 'fail', failingRows: 3 });
      await store.saveCheckResults([first]);
      const retried = { ...first, status: 'pass' as const, failingRows: 0, sample: [], message: '0 rows where email is NULL', createdAt: at(5_000) };
      await store.saveCheckResults([retried]);
      expect(await store.listCheckResults({ dataset })).toEqual([retried]);
    });

    it('keeps the last of duplicate ids within one call, and accepts an empty list', async () => {
      const dataset = uid('ds');
      const id = uid('chk');
      await store.saveCheckResults([makeResult({ dataset, id, message: 'first' }), makeResult({ dataset, id, message: 'second' })]);
      expect((await store.listCheckResults({ dataset })).map((r) => r.message)).toEqual(['second']);
      await expect(store.saveCheckResults([])).resolves.toBeUndefined();
    });

    it('saves many results at once', async () => {
      const dataset = uid('ds');
      const results = Array.from({ length: 2500 }, (_, i) => makeResult({ dataset, id: `${dataset}-${String(i).padStart(4, '0')}` }));
      await store.saveCheckResults(results);
      expect(await store.listCheckResults({ dataset })).toHaveLength(2500);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'dd-check-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
runCheckResultsContract('SQLite', { create: async () => createSqliteStore({ path: join(dir, 'metadata.db') }) });

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());
describe.skipIf(skip)('on PostgreSQL', () => {
  let database: TestPostgresDatabase | undefined;
  beforeAll(async () => {
    database = await createTestPostgresDatabase('dd_test_checks');
  });
  afterAll(async () => {
    await database?.drop();
  });
  runCheckResultsContract('Postgres', {
    create: async () => {
      if (!database) throw new Error('the test database was not created');
      return createPostgresStore({ connectionString: database.url, poolSize: 2 });
    },
  });
});
