/**
 * Dataset versions that are views: a SELECT over other versions (and files read in place)
 * instead of files of their own. The definition is JSON; null for a version stored as files.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { columnTypes, type StoreMigration } from './store-migration.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Adds dataset_versions.view. */
export const datasetViewsMigration: StoreMigration = {
  async up(db: AnyDb, dialect: StoreDialect): Promise<void> {
    await db.schema.alterTable('dataset_versions').addColumn('view', columnTypes(dialect).json).execute();
  },
  async down(db: AnyDb): Promise<void> {
    await db.schema.alterTable('dataset_versions').dropColumn('view').execute();
  },
};
