/**
 * The store contract on the real PostgreSQL: this file creates a database of its own and drops
 * it afterwards. Skipped with a notice when Postgres is down, except on CI where that fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createTestPostgresDatabase, isPostgresReachable, skipWithoutService, type TestPostgresDatabase } from '../helpers/services.ts';
import { runStoreContract } from './store-contract.ts';

const skip = skipWithoutService('PostgreSQL', await isPostgresReachable());

describe.skipIf(skip)('Postgres store', () => {
  let database: TestPostgresDatabase | undefined;

  beforeAll(async () => {
    database = await createTestPostgresDatabase('dd_test_store');
  });

  afterAll(async () => {
    await database?.drop();
  });

  const url = (): string => {
    if (!database) throw new Error('the test database was not created');
    return database.url;
  };

  runStoreContract('postgres', { create: async () => createPostgresStore({ connectionString: url(), poolSize: 4 }) });

  it('is chosen by createStore for postgres:// and postgresql:// URLs', async () => {
    for (const databaseUrl of [url(), url().replace(/^postgres:/, 'postgresql:')]) {
      const store = createStore({ databaseUrl, home: '/nonexistent' });
      expect(store.dialect).toBe('postgres');
      expect((await store.migrate()).error).toBeUndefined();
      await store.close();
    }
  });
});
