/**
 * Data quality check results: one row per check run on a dataset version, kept whether the
 * version was published or rejected, so a rejected write can be explained afterwards.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { columnTypes, type StoreMigration } from './store-migration.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Creates the check_results table. */
export const checkResultsMigration: StoreMigration = {
  async up(db: AnyDb, dialect: StoreDialect): Promise<void> {
    const t = columnTypes(dialect);
    // No foreign keys to dataset_versions or runs: results outlive pruned versions, and the
    // check task may check a version written outside this run.
    await db.schema
      .createTable('check_results')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('failing_rows', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('sample', t.json, (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('check_results_dataset_created_idx').on('check_results').columns(['dataset', 'created_at']).execute();
    await db.schema.createIndex('check_results_version_idx').on('check_results').column('version_id').execute();
    await db.schema.createIndex('check_results_run_idx').on('check_results').column('run_id').execute();
  },

  async down(db: AnyDb): Promise<void> {
    await db.schema.dropTable('check_results').ifExists().execute();
  },
};
