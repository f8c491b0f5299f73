/**
 * Datasets: the versions each task run writes (staged, then published or rejected), the
 * latest published version of each dataset, and connector state kept between runs.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { columnTypes, type StoreMigration } from './store-migration.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Creates the datasets, dataset_versions and connector_state tables. */
export const datasetsMigration: StoreMigration = {
  async up(db: AnyDb, dialect: StoreDialect): Promise<void> {
    const t = columnTypes(dialect);

    // pipeline_id is plain text here and below: a dataset outlives an archived pipeline, and
    // tools outside the platform's pipelines may write datasets too.
    await db.schema
      .createTable('datasets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('latest_version_id', 'text')
      .addColumn('rows', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    // No foreign key from run_id to runs: datasets may be written outside a run.
    await db.schema
      .createTable('dataset_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('files', t.json, (c) => c.notNull())
      .addColumn('rows', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('schema', t.json, (c) => c.notNull())
      .addColumn('inputs', t.json, (c) => c.notNull())
      .addColumn('stats', t.json, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('published_at', t.timestamp)
      .execute();
    await db.schema.createIndex('dataset_versions_dataset_created_idx').on('dataset_versions').columns(['dataset', 'created_at']).execute();
    await db.schema.createIndex('dataset_versions_run_idx').on('dataset_versions').column('run_id').execute();

    await db.schema
      .createTable('connector_state')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', t.json, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
  },

  async down(db: AnyDb): Promise<void> {
    for (const table of ['connector_state', 'dataset_versions', 'datasets']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
