/**
 * The store contract on SQLite: a fresh database file in the temp folder for this test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, sqlitePath } from '../../src/store/create-store.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { STORE_MIGRATIONS } from '../../src/store/migrations/index.ts';
import { runStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'dd-store-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite', { create: async () => createSqliteStore({ path: join(dir, 'nested', 'metadata.db') }) });

describe('SQLite store setup', () => {
  it('creates metadata.db in a new home folder, in WAL mode', async () => {
    const home = join(dir, 'home', 'deeper');
    const store = createStore({ home });
    expect(store.dialect).toBe('sqlite');
    expect((await store.migrate()).applied).toEqual(Object.keys(STORE_MIGRATIONS));
    await store.close();

    const file = new BetterSqlite3(join(home, 'metadata.db'), { readonly: true });
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    file.close();
  });

  it('works in memory', async () => {
    const memory = createStore({ databaseUrl: 'sqlite::memory:', home: dir });
    expect((await memory.migrate()).error).toBeUndefined();
    expect(await memory.listPipelines()).toEqual([]);
    await memory.close();
  });

  it('reads SQLite locations from URLs and paths', () => {
    expect(sqlitePath('sqlite:///var/lib/dd/meta.db')).toBe('/var/lib/dd/meta.db');
    expect(sqlitePath('sqlite:data/meta.db')).toBe(resolve('data/meta.db'));
    expect(sqlitePath('file:///tmp/meta.db')).toBe('/tmp/meta.db');
    expect(sqlitePath('/tmp/meta.db')).toBe('/tmp/meta.db');
    expect(sqlitePath('sqlite::memory:')).toBe(':memory:');
    expect(() => sqlitePath('mysql://root@localhost/db')).toThrow(/unsupported database URL/);
  });
});
