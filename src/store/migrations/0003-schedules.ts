/**
 * The scheduler's state: each schedule's last fired slot (the exactly-once guard), leader
 * leases, loop cursors, backfills with their partitions, and which published dataset versions
 * triggered which runs.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { columnTypes, type StoreMigration } from './store-migration.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Creates the schedules, scheduler_leases, scheduler_cursors, backfills, backfill_partitions and dataset_triggers tables. */
export const schedulesMigration: StoreMigration = {
  async up(db: AnyDb, dialect: StoreDialect): Promise<void> {
    const t = columnTypes(dialect);

    // No foreign keys to pipelines: schedule state is cheap to keep and a re-registered
    // pipeline finds its state again.
    await db.schema
      .createTable('schedules')
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('schedule_id', 'text', (c) => c.notNull())
      .addColumn('schedule_index', 'integer', (c) => c.notNull())
      .addColumn('cron', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text')
      .addColumn('spec_enabled', t.boolean, (c) => c.notNull())
      .addColumn('enabled_override', t.boolean)
      .addColumn('last_fired_at', t.timestamp)
      .addColumn('next_fire_at', t.timestamp)
      .addColumn('resumed_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('schedules_pk', ['pipeline_id', 'schedule_id'])
      .execute();

    await db.schema
      .createTable('scheduler_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('scheduler_cursors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('backfills')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('range_from', 'text', (c) => c.notNull())
      .addColumn('range_to', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('concurrency', 'integer', (c) => c.notNull())
      .addColumn('params', t.json, (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('finished_at', t.timestamp)
      .addColumn('owner', 'text')
      .addColumn('lease_expires_at', t.timestamp)
      .execute();
    await db.schema.createIndex('backfills_status_idx').on('backfills').column('status').execute();

    await db.schema
      .createTable('backfill_partitions')
      .addColumn('backfill_id', 'text', (c) => c.notNull().references('backfills.id').onDelete('cascade'))
      .addColumn('partition_key', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('previous_run_id', 'text')
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('backfill_partitions_pk', ['backfill_id', 'partition_key'])
      .execute();

    await db.schema
      .createTable('dataset_triggers')
      .addColumn('pipeline_id', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('dataset', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('fired_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('dataset_triggers_pk', ['pipeline_id', 'version_id'])
      .execute();
    // The trigger watcher reads versions published since its watermark.
    await db.schema.createIndex('dataset_versions_published_idx').on('dataset_versions').columns(['status', 'published_at']).execute();
  },

  async down(db: AnyDb): Promise<void> {
    await db.schema.dropIndex('dataset_versions_published_idx').ifExists().execute();
    for (const table of ['dataset_triggers', 'backfill_partitions', 'backfills', 'scheduler_cursors', 'scheduler_leases', 'schedules']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
