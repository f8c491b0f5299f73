/**
 * The store's SQL for the scheduler: schedule state (the exactly-once guard on fired slots),
 * named leases for leader election, loop cursors, backfills with their partitions, and the
 * dataset versions that triggered runs. KyselyStore delegates to it; see store.ts for the
 * contract of each method.
 *
 * Every "only one process wins" operation here is a single conditional statement (an update
 * with a guard, an upsert with a guarded update, an insert that ignores conflicts), so it is
 * atomic on SQLite and on Postgres without explicit locks.
 */
import type { Kysely, Selectable } from 'kysely';
import type { BackfillPartitionsTable, BackfillsTable, Database, DatasetTriggersTable, SchedulesTable } from './database.ts';
import { parseJson, storeBoolean, toDatasetVersion } from './store-rows.ts';
import type {
  BackfillPartitionPatch,
  BackfillPartitionRecord,
  BackfillPartitionStatus,
  BackfillPatch,
  BackfillRecord,
  BackfillStatus,
  DatasetTriggerRecord,
  DatasetVersionRecord,
  ScheduleStateRecord,
  ScheduleSync,
  StoreDialect,
} from './store.ts';

/** What a SchedulerRepository runs on. */
export interface SchedulerRepositoryOptions {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** The clock for `updatedAt` stamps and lease checks that name no time. */
  now?: () => Date;
}

/**
 * Scheduler state over Kysely, on either dialect.
 *
 * @example
 * const repo = new SchedulerRepository({ db, dialect: 'sqlite' });
 * if (await repo.claimScheduleSlot('etl', scheduleId, '2026-01-01T08:00:00.000Z', null)) { ...trigger the run... }
 */
export class SchedulerRepository {
  readonly #db: Kysely<Database>;
  readonly #dialect: StoreDialect;
  readonly #now: () => Date;

  constructor(options: SchedulerRepositoryOptions) {
    this.#db = options.db;
    this.#dialect = options.dialect;
    this.#now = options.now ?? (() => new Date());
  }

  // ---- schedules ------------------------------------------------------------------------

  async syncSchedules(pipelineId: string, schedules: ScheduleSync[], now: Date): Promise<ScheduleStateRecord[]> {
    const at = now.toISOString();
    await this.#db.transaction().execute(async (trx) => {
      const existing = new Map(
        (await trx.selectFrom('schedules').selectAll().where('pipeline_id', '=', pipelineId).execute()).map((row) => [row.schedule_id, row]),
      );
      for (const schedule of schedules) {
        const row = existing.get(schedule.scheduleId);
        if (!row) {
          // Two processes may see a new schedule at once; the first insert wins, the other is a no-op.
          await trx
            .insertInto('schedules')
            .values({
              pipeline_id: pipelineId,
              schedule_id: schedule.scheduleId,
              schedule_index: schedule.scheduleIndex,
              cron: schedule.cron,
              timezone: schedule.timezone,
              spec_enabled: this.#bool(schedule.specEnabled),
              enabled_override: null,
              last_fired_at: null,
              next_fire_at: schedule.nextFireAt,
              resumed_at: at,
              updated_at: at,
            })
            .onConflict((oc) => oc.columns(['pipeline_id', 'schedule_id']).doNothing())
            .execute();
          continue;
        }
        const wasEnabled = Boolean(row.spec_enabled);
        if (row.schedule_index === schedule.scheduleIndex && wasEnabled === schedule.specEnabled) continue;
        await trx
          .updateTable('schedules')
          .set({
            schedule_index: schedule.scheduleIndex,
            spec_enabled: this.#bool(schedule.specEnabled),
            // Turning a schedule on in the spec must not catch up on the slots it was off for.
            ...(!wasEnabled && schedule.specEnabled ? { resumed_at: at } : {}),
            updated_at: at,
          })
          .where('pipeline_id', '=', pipelineId)
          .where('schedule_id', '=', schedule.scheduleId)
          .execute();
      }
      const keep = schedules.map((s) => s.scheduleId);
      let stale = trx.deleteFrom('schedules').where('pipeline_id', '=', pipelineId);
      if (keep.length > 0) stale = stale.where('schedule_id', 'not in', keep);
      await stale.execute();
    });
    return this.listScheduleStates(pipelineId);
  }

  async listScheduleStates(pipelineId?: string): Promise<ScheduleStateRecord[]> {
    let query = this.#db.selectFrom('schedules').selectAll();
    if (pipelineId !== undefined) query = query.where('pipeline_id', '=', pipelineId);
    return (await query.orderBy('pipeline_id').orderBy('schedule_index').execute()).map(toScheduleState);
  }

  async setScheduleEnabled(pipelineId: string, scheduleId: string, enabled: boolean | null, now: Date): Promise<boolean> {
    const at = now.toISOString();
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('schedules')
        .select(['spec_enabled', 'enabled_override'])
        .where('pipeline_id', '=', pipelineId)
        .where('schedule_id', '=', scheduleId)
        .executeTakeFirst();
      if (!row) return false;
      const wasOn = row.enabled_override === null ? Boolean(row.spec_enabled) : Boolean(row.enabled_override);
      const isOn = enabled ?? Boolean(row.spec_enabled);
      await trx
        .updateTable('schedules')
        .set({
          enabled_override: enabled === null ? null : this.#bool(enabled),
          // Turning it on resumes from now: the slots of the time it was off are not fired, not
          // even by catch_up. Enabling one already on changes nothing, so it keeps its backlog.
          ...(!wasOn && isOn ? { resumed_at: at } : {}),
          updated_at: at,
        })
        .where('pipeline_id', '=', pipelineId)
        .where('schedule_id', '=', scheduleId)
        .execute();
      return true;
    });
  }

  async claimScheduleSlot(pipelineId: string, scheduleId: string, slot: string, nextFireAt: string | null): Promise<boolean> {
    const result = await this.#db
      .updateTable('schedules')
      .set({ last_fired_at: slot, next_fire_at: nextFireAt, updated_at: this.#now().toISOString() })
      .where('pipeline_id', '=', pipelineId)
      .where('schedule_id', '=', scheduleId)
      .where((eb) => eb.or([eb('last_fired_at', 'is', null), eb('last_fired_at', '<', slot)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- leases and cursors ---------------------------------------------------------------

  async claimLease(name: string, owner: string, ttlMs: number, now: Date = this.#now()): Promise<boolean> {
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const result = await this.#db
      .insertInto('scheduler_leases')
      .values({ name, owner, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at') }))
          .where((eb) => eb.or([eb('scheduler_leases.owner', '=', owner), eb('scheduler_leases.expires_at', '<', now.toISOString())])),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.#db.deleteFrom('scheduler_leases').where('name', '=', name).where('owner', '=', owner).execute();
  }

  async getCursor(name: string): Promise<string | undefined> {
    const row = await this.#db.selectFrom('scheduler_cursors').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  }

  async setCursor(name: string, value: string, now: Date): Promise<void> {
    await this.#db
      .insertInto('scheduler_cursors')
      .values({ name, value, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }

  // ---- backfills ------------------------------------------------------------------------

  async createBackfill(backfill: BackfillRecord, partitions: BackfillPartitionRecord[]): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('backfills').values(backfillRow(backfill)).execute();
      // 7 columns per row: 1000 rows stay far below either dialect's parameter limit.
      for (let i = 0; i < partitions.length; i += 1000) {
        await trx.insertInto('backfill_partitions').values(partitions.slice(i, i + 1000).map(partitionRow)).execute();
      }
    });
  }

  async getBackfill(id: string): Promise<BackfillRecord | undefined> {
    const row = await this.#db.selectFrom('backfills').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBackfill(row);
  }

  async listBackfills(filter: { pipelineId?: string; status?: BackfillStatus[]; limit?: number } = {}): Promise<BackfillRecord[]> {
    let query = this.#db.selectFrom('backfills').selectAll();
    if (filter.pipelineId !== undefined) query = query.where('pipeline_id', '=', filter.pipelineId);
    if (filter.status && filter.status.length > 0) query = query.where('status', 'in', filter.status);
    query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toBackfill);
  }

  async updateBackfill(id: string, patch: BackfillPatch, onlyIf?: BackfillStatus[]): Promise<boolean> {
    const set = {
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.finishedAt !== undefined ? { finished_at: patch.finishedAt } : {}),
    };
    if (Object.keys(set).length === 0) return false;
    let query = this.#db.updateTable('backfills').set(set).where('id', '=', id);
    if (onlyIf) query = query.where('status', 'in', onlyIf);
    return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
  }

  async claimBackfill(id: string, owner: string, leaseMs: number, now: Date = this.#now()): Promise<boolean> {
    const result = await this.#db
      .updateTable('backfills')
      .set({ owner, lease_expires_at: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '=', owner), eb('lease_expires_at', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async releaseBackfill(id: string, owner: string): Promise<void> {
    await this.#db.updateTable('backfills').set({ owner: null, lease_expires_at: null }).where('id', '=', id).where('owner', '=', owner).execute();
  }

  async getBackfillPartitions(backfillId: string): Promise<BackfillPartitionRecord[]> {
    const rows = await this.#db.selectFrom('backfill_partitions').selectAll().where('backfill_id', '=', backfillId).orderBy('position').execute();
    return rows.map(toPartition);
  }

  async updateBackfillPartition(
    backfillId: string,
    partitionKey: string,
    patch: BackfillPartitionPatch,
    now: Date,
    onlyIf?: BackfillPartitionStatus[],
  ): Promise<boolean> {
    let query = this.#db
      .updateTable('backfill_partitions')
      .set({
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.runId !== undefined ? { run_id: patch.runId } : {}),
        ...(patch.previousRunId !== undefined ? { previous_run_id: patch.previousRunId } : {}),
        updated_at: now.toISOString(),
      })
      .where('backfill_id', '=', backfillId)
      .where('partition_key', '=', partitionKey);
    if (onlyIf) query = query.where('status', 'in', onlyIf);
    return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
  }

  // ---- dataset triggers -----------------------------------------------------------------

  async listPublishedDatasetVersions(since: string, limit: number): Promise<DatasetVersionRecord[]> {
    const rows = await this.#db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('status', '=', 'published')
      .where('published_at', '>=', since)
      .orderBy('published_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toDatasetVersion);
  }

  async claimDatasetTrigger(record: DatasetTriggerRecord): Promise<boolean> {
    const result = await this.#db
      .insertInto('dataset_triggers')
      .values({ pipeline_id: record.pipelineId, version_id: record.versionId, dataset: record.dataset, run_id: record.runId, fired_at: record.firedAt })
      .onConflict((oc) => oc.columns(['pipeline_id', 'version_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async setDatasetTriggerRun(pipelineId: string, versionId: string, runId: string): Promise<void> {
    await this.#db.updateTable('dataset_triggers').set({ run_id: runId }).where('pipeline_id', '=', pipelineId).where('version_id', '=', versionId).execute();
  }

  async listDatasetTriggers(pipelineId?: string): Promise<DatasetTriggerRecord[]> {
    let query = this.#db.selectFrom('dataset_triggers').selectAll();
    if (pipelineId !== undefined) query = query.where('pipeline_id', '=', pipelineId);
    return (await query.orderBy('fired_at').orderBy('version_id').execute()).map(toDatasetTrigger);
  }

  #bool(value: boolean): boolean | number {
    return storeBoolean(this.#dialect, value);
  }
}

function toScheduleState(row: Selectable<SchedulesTable>): ScheduleStateRecord {
  return {
    pipelineId: row.pipeline_id,
    scheduleId: row.schedule_id,
    scheduleIndex: Number(row.schedule_index),
    cron: row.cron,
    timezone: row.timezone,
    specEnabled: Boolean(row.spec_enabled),
    enabledOverride: row.enabled_override === null ? null : Boolean(row.enabled_override),
    lastFiredAt: row.last_fired_at,
    nextFireAt: row.next_fire_at,
    resumedAt: row.resumed_at,
    updatedAt: row.updated_at,
  };
}

function backfillRow(b: BackfillRecord): BackfillsTable {
  return {
    id: b.id,
    pipeline_id: b.pipelineId,
    range_from: b.from,
    range_to: b.to,
    status: b.status,
    concurrency: b.concurrency,
    params: JSON.stringify(b.params ?? {}),
    total: b.total,
    created_at: b.createdAt,
    finished_at: b.finishedAt,
    owner: b.owner,
    lease_expires_at: b.leaseExpiresAt,
  };
}

function toBackfill(row: Selectable<BackfillsTable>): BackfillRecord {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    from: row.range_from,
    to: row.range_to,
    status: row.status as BackfillStatus,
    concurrency: Number(row.concurrency),
    params: parseJson(row.params) as Record<string, unknown>,
    total: Number(row.total),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    owner: row.owner,
    leaseExpiresAt: row.lease_expires_at,
  };
}

function partitionRow(p: BackfillPartitionRecord): BackfillPartitionsTable {
  return {
    backfill_id: p.backfillId,
    partition_key: p.partitionKey,
    position: p.position,
    status: p.status,
    run_id: p.runId,
    previous_run_id: p.previousRunId,
    updated_at: p.updatedAt,
  };
}

function toPartition(row: Selectable<BackfillPartitionsTable>): BackfillPartitionRecord {
  return {
    backfillId: row.backfill_id,
    partitionKey: row.partition_key,
    position: Number(row.position),
    status: row.status as BackfillPartitionStatus,
    runId: row.run_id,
    previousRunId: row.previous_run_id,
    updatedAt: row.updated_at,
  };
}

function toDatasetTrigger(row: Selectable<DatasetTriggersTable>): DatasetTriggerRecord {
  return { pipelineId: row.pipeline_id, versionId: row.version_id, dataset: row.dataset, runId: row.run_id, firedAt: row.fired_at };
}
