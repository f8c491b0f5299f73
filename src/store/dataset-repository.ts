/**
 * The store's SQL for datasets and connector state: dataset versions (staged, published,
 * rejected), each dataset's latest published version, and the state connectors keep between
 * runs. KyselyStore delegates to it; see store.ts for the contract of each method.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';
import { datasetVersionRow, parseJson, toDataset, toDatasetVersion } from './store-rows.ts';
import type { DatasetRecord, DatasetVersionFilter, DatasetVersionRecord } from './store.ts';

/** What a DatasetRepository runs on. */
export interface DatasetRepositoryOptions {
  db: Kysely<Database>;
  /** The clock for connector state times and for a publish that names no `publishedAt`. */
  now?: () => Date;
}

/**
 * Datasets, their versions and connector state over Kysely, on either dialect.
 *
 * @example
 * const datasets = new DatasetRepository({ db });
 * await datasets.saveVersion({ ...staged, status: 'published', publishedAt: new Date().toISOString() });
 * (await datasets.getDataset(staged.dataset))?.latestVersionId; // staged.id
 */
export class DatasetRepository {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;

  constructor(options: DatasetRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? (() => new Date());
  }

  /** Upserts a version by id; publishing it makes it the dataset's latest in the same transaction. */
  async saveVersion(version: DatasetVersionRecord): Promise<void> {
    // A published version always says when; the caller's time wins when it gives one.
    const publishedAt = version.status === 'published' ? (version.publishedAt ?? this.#now().toISOString()) : null;
    const row = datasetVersionRow({ ...version, publishedAt: publishedAt ?? version.publishedAt });
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('dataset_versions')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            dataset: eb.ref('excluded.dataset'),
            pipeline_id: eb.ref('excluded.pipeline_id'),
            run_id: eb.ref('excluded.run_id'),
            task_id: eb.ref('excluded.task_id'),
            status: eb.ref('excluded.status'),
            files: eb.ref('excluded.files'),
            view: eb.ref('excluded.view'),
            rows: eb.ref('excluded.rows'),
            bytes: eb.ref('excluded.bytes'),
            schema: eb.ref('excluded.schema'),
            inputs: eb.ref('excluded.inputs'),
            stats: eb.ref('excluded.stats'),
            created_at: eb.ref('excluded.created_at'),
            published_at: eb.ref('excluded.published_at'),
          })),
        )
        .execute();
      if (publishedAt !== null) {
        // Latest is whatever was published last, even an older version (a rollback).
        await trx
          .insertInto('datasets')
          .values({ name: version.dataset, pipeline_id: version.pipelineId, latest_version_id: version.id, rows: version.rows, updated_at: publishedAt })
          .onConflict((oc) =>
            oc.column('name').doUpdateSet((eb) => ({
              pipeline_id: eb.ref('excluded.pipeline_id'),
              latest_version_id: eb.ref('excluded.latest_version_id'),
              rows: eb.ref('excluded.rows'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      } else {
        await this.#unpublish(trx, version);
      }
    });
  }

  /** A version by id. */
  async getVersion(id: string): Promise<DatasetVersionRecord | undefined> {
    const row = await this.#db.selectFrom('dataset_versions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDatasetVersion(row);
  }

  /** Versions matching the filter, newest first (by createdAt, then id). */
  async listVersions(filter: DatasetVersionFilter = {}): Promise<DatasetVersionRecord[]> {
    let query = this.#db.selectFrom('dataset_versions').selectAll();
    if (filter.dataset !== undefined) query = query.where('dataset', '=', filter.dataset);
    if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
    if (filter.pipelineId !== undefined) query = query.where('pipeline_id', '=', filter.pipelineId);
    if (filter.status && filter.status.length > 0) query = query.where('status', 'in', filter.status);
    query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toDatasetVersion);
  }

  /** A dataset by name; undefined until a version of it is published. */
  async getDataset(name: string): Promise<DatasetRecord | undefined> {
    const row = await this.#db.selectFrom('datasets').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toDataset(row);
  }

  /** Every dataset, by name. */
  async listDatasets(): Promise<DatasetRecord[]> {
    return (await this.#db.selectFrom('datasets').selectAll().orderBy('name').execute()).map(toDataset);
  }

  /** The state stored under `key`, or undefined. */
  async getConnectorState(key: string): Promise<unknown> {
    const row = await this.#db.selectFrom('connector_state').select('value').where('key', '=', key).executeTakeFirst();
    return row ? parseJson(row.value) : undefined;
  }

  /** Replaces the state under `key`; a value JSON cannot hold (undefined) removes it, so a read gives undefined again. */
  async setConnectorState(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) {
      await this.#db.deleteFrom('connector_state').where('key', '=', key).execute();
      return;
    }
    await this.#db
      .insertInto('connector_state')
      .values({ key, value: json, updated_at: this.#now().toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  /**
   * A version saved as staged or rejected is no longer published: when it was its dataset's
   * latest, the latest falls back to the version published last before it, so the latest is
   * never a version that is not published.
   */
  async #unpublish(trx: Transaction<Database>, version: DatasetVersionRecord): Promise<void> {
    const dataset = await trx
      .selectFrom('datasets')
      .select('name')
      .where('name', '=', version.dataset)
      .where('latest_version_id', '=', version.id)
      .executeTakeFirst();
    if (!dataset) return;
    const previous = await trx
      .selectFrom('dataset_versions')
      .select(['id', 'pipeline_id', 'rows'])
      .where('dataset', '=', dataset.name)
      .where('status', '=', 'published')
      .orderBy('published_at', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    await trx
      .updateTable('datasets')
      .set({
        latest_version_id: previous?.id ?? null,
        rows: previous ? previous.rows : 0,
        ...(previous ? { pipeline_id: previous.pipeline_id } : {}),
        updated_at: this.#now().toISOString(),
      })
      .where('name', '=', dataset.name)
      .execute();
  }
}
