/**
 * The first schema: pipelines and their versions, runs, task runs, attempts, task logs and
 * the event log.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store.ts';
import { columnTypes, type StoreMigration } from './store-migration.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Creates every table and index of the store. */
export const initialMigration: StoreMigration = {
  async up(db: AnyDb, dialect: StoreDialect): Promise<void> {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('pipelines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('tags', t.json, (c) => c.notNull())
      .addColumn('current_version', 'text', (c) => c.notNull())
      .addColumn('source_path', 'text')
      .addColumn('archived', t.boolean, (c) => c.notNull().defaultTo(t.falseDefault))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('pipeline_versions')
      .addColumn('pipeline_id', 'text', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('spec', t.json, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('pipeline_versions_pk', ['pipeline_id', 'version'])
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('pipeline_id', 'text', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
      .addColumn('pipeline_version', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('params', t.json, (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('parent_run_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('started_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .addColumn('error', 'text')
      .addColumn('cancel_requested', t.boolean, (c) => c.notNull().defaultTo(t.falseDefault))
      .addColumn('owner', 'text')
      .addColumn('lease_expires_at', t.timestamp)
      .execute();
    await db.schema.createIndex('runs_pipeline_created_idx').on('runs').columns(['pipeline_id', 'created_at']).execute();
    // Listing all runs newest first is the run list's default view.
    await db.schema.createIndex('runs_created_idx').on('runs').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('runs_status_idx').on('runs').column('status').execute();

    await db.schema
      .createTable('task_runs')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('queued_at', t.timestamp)
      .addColumn('started_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .addColumn('next_attempt_at', t.timestamp)
      .addColumn('error', 'text')
      .addColumn('error_code', 'text')
      .addColumn('output', t.json)
      .addColumn('reused_from_run_id', 'text')
      .addPrimaryKeyConstraint('task_runs_pk', ['run_id', 'task_id'])
      .execute();

    await db.schema
      .createTable('task_attempts')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', t.timestamp, (c) => c.notNull())
      .addColumn('finished_at', t.timestamp)
      .addColumn('error', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_detail', 'text')
      .addColumn('worker', 'text')
      .addPrimaryKeyConstraint('task_attempts_pk', ['run_id', 'task_id', 'attempt'])
      .addForeignKeyConstraint('task_attempts_task_run_fk', ['run_id', 'task_id'], 'task_runs', ['run_id', 'task_id'], (c) =>
        c.onDelete('cascade'),
      )
      .execute();

    // AUTOINCREMENT on SQLite so an id is never reused: readers follow logs and events by id.
    const serial = (table: ReturnType<AnyDb['schema']['createTable']>, name: string) =>
      dialect === 'postgres'
        ? table.addColumn(name, 'bigserial', (c) => c.primaryKey())
        : table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());

    await serial(db.schema.createTable('task_logs'), 'id')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('ts', t.timestamp, (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('task_logs_run_task_idx').on('task_logs').columns(['run_id', 'task_id', 'id']).execute();

    // No foreign keys: the event log outlives what it mentions and some events name no run.
    await serial(db.schema.createTable('events'), 'seq')
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('pipeline_id', 'text')
      .addColumn('task_id', 'text')
      .addColumn('ts', t.timestamp, (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_run_idx').on('events').columns(['run_id', 'seq']).execute();
    await db.schema.createIndex('events_pipeline_idx').on('events').columns(['pipeline_id', 'seq']).execute();
  },

  async down(db: AnyDb): Promise<void> {
    for (const table of ['events', 'task_logs', 'task_attempts', 'task_runs', 'runs', 'pipeline_versions', 'pipelines']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
