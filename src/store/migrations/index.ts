/**
 * The store's migrations, listed statically so they work from a bundle or a compiled package
 * where there is no folder to scan. Add a migration by adding a file and a line below; names
 * sort in the order they apply.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { initialMigration } from './0001-initial.ts';
import { datasetsMigration } from './0002-datasets.ts';
import { schedulesMigration } from './0003-schedules.ts';
import { checkResultsMigration } from './0004-check-results.ts';
import { datasetViewsMigration } from './0005-dataset-views.ts';
import type { StoreMigration } from './store-migration.ts';

/** Every migration by name, in order. */
export const STORE_MIGRATIONS: Readonly<Record<string, StoreMigration>> = {
  '0001-initial': initialMigration,
  '0002-datasets': datasetsMigration,
  '0003-schedules': schedulesMigration,
  '0004-check-results': checkResultsMigration,
  '0005-dataset-views': datasetViewsMigration,
};

/** Hands the static migrations to Kysely, each bound to the dialect it runs on. */
export class StoreMigrationProvider implements MigrationProvider {
  readonly #dialect: StoreDialect;

  constructor(dialect: StoreDialect) {
    this.#dialect = dialect;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const dialect = this.#dialect;
    return Object.fromEntries(
      Object.entries(STORE_MIGRATIONS).map(([name, migration]): [string, Migration] => {
        const down = migration.down?.bind(migration);
        return [name, { up: (db) => migration.up(db, dialect), ...(down ? { down: (db) => down(db, dialect) } : {}) }];
      }),
    );
  }
}

/**
 * A Kysely `Migrator` over the store's migrations.
 *
 * @example
 * const { error, results } = await createStoreMigrator(db, 'sqlite').migrateToLatest();
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createStoreMigrator(db: Kysely<any>, dialect: StoreDialect): Migrator {
  return new Migrator({
    db,
    provider: new StoreMigrationProvider(dialect),
    migrationTableName: 'store_migrations',
    migrationLockTableName: 'store_migrations_lock',
  });
}
