/**
 * The metadata store over Kysely: one implementation for SQLite and Postgres. The dialects
 * differ only in column types (handled by the migrations), booleans (0/1 on SQLite), row
 * locks and the duration arithmetic of `taskDurationStats`.
 *
 * `applyBatch` is the engine's hot path. On Postgres it is a single statement (one round trip,
 * atomic by itself: compilePostgresBatch); on SQLite, in process, one transaction of multi-row
 * upserts chunked to stay under the bound-parameter limit.
 *
 * Rows map to records in store-rows.ts; datasets and connector state are dataset-repository.ts;
 * schedules, leases, backfills and dataset triggers are scheduler-repository.ts.
 */
import { sql, type CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { RUN_STATUSES, type RunStatus } from '../core/statuses.ts';
import type { PipelineSpec } from '../core/spec/pipeline-spec.ts';
import type { Database } from './database.ts';
import { CheckResultRepository } from './check-result-repository.ts';
import { DatasetRepository } from './dataset-repository.ts';
import { createStoreMigrator } from './migrations/index.ts';
import { SchedulerRepository } from './scheduler-repository.ts';
import { columnsOf, compilePostgresBatch, compileValuesInsert, type BulkInsert, type PostgresBatchRow } from './bulk-sql.ts';
import {
  attemptRow, EVENT_COLUMNS, eventRow, logRow, runRow, storeBoolean, taskRunRow, toAttempt, toEvent, toLog, toPipeline, toPipelineVersion, toRun, toTaskRun,
} from './store-rows.ts';
import type {
  CheckResultFilter,
  CheckResultRecord,
  BackfillPartitionPatch,
  BackfillPartitionRecord,
  BackfillPartitionStatus,
  BackfillPatch,
  BackfillRecord,
  BackfillStatus,
  DatasetTriggerRecord,
  ScheduleStateRecord,
  ScheduleSync,
  DatasetRecord,
  DatasetVersionFilter,
  DatasetVersionRecord,
  EventFilter,
  EventRecord,
  LogFilter,
  MigrationReport,
  NewRun,
  PipelineRecord,
  PipelineVersionRecord,
  RunFilter,
  RunRecord,
  SavePipelineResult,
  Store,
  StoreBatch,
  StoreDialect,
  TaskAttemptRecord,
  TaskDurationStat,
  TaskLogRecord,
  TaskRunRecord,
} from './store.ts';

/** Bound parameters allowed in one statement (SQLITE_MAX_VARIABLE_NUMBER, Postgres' wire protocol). */
export const MAX_PARAMETERS: Readonly<Record<StoreDialect, number>> = { sqlite: 32_766, postgres: 65_535 };
/**
 * Rows per multi-row statement, below the parameter limit. Beyond about a thousand rows a
 * longer statement is no faster on either dialect (measured), and on SQLite statements of one
 * size repeat and stay prepared in the statement cache.
 */
const MAX_ROWS_PER_STATEMENT = 1_000;

/** What a KyselyStore runs on; the dialect factories (sqlite-store.ts, postgres-store.ts) fill it in. */
export interface KyselyStoreOptions {
  /** Kysely over the dialect's driver; closed by `close()`. */
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Bound parameters per statement (default: the dialect's limit, MAX_PARAMETERS). */
  maxParameters?: number;
  /** The clock for `createdAt`/`updatedAt` of pipelines and for lease checks. */
  now?: () => Date;
  /**
   * Runs the engine's batch statement as a prepared statement (Postgres): its text depends only
   * on which tables a batch writes, so a handful of statements are parsed and planned once per
   * connection instead of at every batch. Without it the batch goes through Kysely.
   */
  runPrepared?: <R>(query: CompiledQuery) => Promise<R[]>;
}

const ACTIVE_RUN_STATUSES: RunStatus[] = ['queued', 'running'];

/*
 * Columns an upsert rewrites. Left out on purpose: `cancel_requested`, set by requestCancel from
 * another process, which the engine's copy must not reset; and `owner`/`lease_expires_at`, which
 * only claimRun/releaseRun move, so that a stale engine copy cannot shorten or steal a lease.
 * An upsert may only give a lease up (see RUN_RELEASE).
 */
const RUN_UPDATE = ['pipeline_id', 'pipeline_version', 'status', 'params', 'trigger', 'parent_run_id', 'created_at', 'started_at', 'finished_at', 'error'];
/** A run written with `owner: null` (the engine finished it) releases its lease; any other owner value is ignored. */
const RUN_RELEASE = {
  owner: 'case when excluded."owner" is null then null else "runs"."owner" end',
  lease_expires_at: 'case when excluded."owner" is null then null else "runs"."lease_expires_at" end',
};
/** The JSON columns of the tables the engine writes in bulk (their row values are JSON text). */
const JSON_COLUMNS = { runs: ['params'], task_runs: ['output'], task_attempts: [], task_logs: [], events: ['payload'] } as const satisfies Record<string, readonly string[]>;
const TASK_RUN_UPDATE = ['status', 'attempts', 'queued_at', 'started_at', 'finished_at', 'next_attempt_at', 'error', 'error_code', 'output', 'reused_from_run_id'];
const ATTEMPT_UPDATE = ['status', 'started_at', 'finished_at', 'error', 'error_code', 'error_detail', 'worker'];

/** The store over a Kysely instance; see store.ts for the contract of each method. */
export class KyselyStore implements Store {
  readonly dialect: StoreDialect;
  readonly #db: Kysely<Database>;
  readonly #maxParameters: number;
  readonly #now: () => Date;
  readonly #datasets: DatasetRepository;
  readonly #checks: CheckResultRepository;
  readonly #scheduler: SchedulerRepository;
  readonly #runPrepared: (<R>(query: CompiledQuery) => Promise<R[]>) | undefined;

  constructor(options: KyselyStoreOptions) {
    this.#runPrepared = options.runPrepared;
    this.dialect = options.dialect;
    this.#db = options.db;
    this.#maxParameters = options.maxParameters ?? MAX_PARAMETERS[options.dialect];
    this.#now = options.now ?? (() => new Date());
    this.#datasets = new DatasetRepository({ db: options.db, now: this.#now });
    this.#checks = new CheckResultRepository({ db: options.db });
    this.#scheduler = new SchedulerRepository({ db: options.db, dialect: options.dialect, now: this.#now });
  }

  async migrate(): Promise<MigrationReport> {
    const { error, results = [] } = await createStoreMigrator(this.#db, this.dialect).migrateToLatest();
    const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    return error === undefined ? { applied } : { applied, error: error instanceof Error ? error.message : String(error) };
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  async savePipeline(spec: PipelineSpec, version: string, options: { sourcePath?: string | null } = {}): Promise<SavePipelineResult> {
    const now = this.#now().toISOString();
    return this.#db.transaction().execute(async (trx) => {
      // The upsert locks the pipeline row on Postgres, which serialises the ordinal below.
      await trx
        .insertInto('pipelines')
        .values({
          id: spec.id,
          name: spec.name ?? spec.id,
          description: spec.description ?? '',
          tags: JSON.stringify(spec.tags ?? []),
          current_version: version,
          source_path: options.sourcePath ?? null,
          archived: this.#bool(false),
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            name: (eb) => eb.ref('excluded.name'),
            description: (eb) => eb.ref('excluded.description'),
            tags: (eb) => eb.ref('excluded.tags'),
            current_version: (eb) => eb.ref('excluded.current_version'),
            // Left alone when not given: re-registering from the CLI by id must not forget the file.
            ...(options.sourcePath !== undefined ? { source_path: (eb) => eb.ref('excluded.source_path') } : {}),
            archived: (eb) => eb.ref('excluded.archived'),
            updated_at: (eb) => eb.ref('excluded.updated_at'),
          }),
        )
        .execute();
      const existing = await trx
        .selectFrom('pipeline_versions')
        .select('version')
        .where('pipeline_id', '=', spec.id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (!existing) {
        const last = await trx
          .selectFrom('pipeline_versions')
          .select((eb) => eb.fn.max('ordinal').as('ordinal'))
          .where('pipeline_id', '=', spec.id)
          .executeTakeFirst();
        await trx
          .insertInto('pipeline_versions')
          .values({ pipeline_id: spec.id, version, ordinal: Number(last?.ordinal ?? 0) + 1, spec: JSON.stringify(spec), created_at: now })
          .execute();
      }
      const pipeline = await trx.selectFrom('pipelines').selectAll().where('id', '=', spec.id).executeTakeFirstOrThrow();
      const stored = await trx
        .selectFrom('pipeline_versions')
        .selectAll()
        .where('pipeline_id', '=', spec.id)
        .where('version', '=', version)
        .executeTakeFirstOrThrow();
      return { pipeline: toPipeline(pipeline), version: toPipelineVersion(stored), newVersion: !existing };
    });
  }

  async getPipeline(id: string): Promise<PipelineRecord | undefined> {
    const row = await this.#db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPipeline(row);
  }

  async listPipelines(options: { includeArchived?: boolean } = {}): Promise<PipelineRecord[]> {
    let query = this.#db.selectFrom('pipelines').selectAll().orderBy('id');
    if (!options.includeArchived) query = query.where('archived', '=', this.#bool(false));
    return (await query.execute()).map(toPipeline);
  }

  async getPipelineVersion(pipelineId: string, version: string): Promise<PipelineVersionRecord | undefined> {
    const row = await this.#db
      .selectFrom('pipeline_versions')
      .selectAll()
      .where('pipeline_id', '=', pipelineId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && toPipelineVersion(row);
  }

  async listPipelineVersions(pipelineId: string): Promise<PipelineVersionRecord[]> {
    const rows = await this.#db.selectFrom('pipeline_versions').selectAll().where('pipeline_id', '=', pipelineId).orderBy('ordinal', 'desc').execute();
    return rows.map(toPipelineVersion);
  }

  async archivePipeline(id: string): Promise<void> {
    const result = await this.#db
      .updateTable('pipelines')
      .set({ archived: this.#bool(true), updated_at: this.#now().toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('pipeline', id);
  }

  async createRun(newRun: NewRun): Promise<void> {
    const { run } = newRun;
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx.insertInto('runs').values(runRow(run, this.dialect)).execute();
        await this.#insertChunks(trx, 'task_runs', newRun.taskRuns.map(taskRunRow));
      });
    } catch (error) {
      const violation = constraintViolation(error);
      if (violation === 'unique') throw new ConflictError(`run '${run.id}' already exists`, { runId: run.id });
      if (violation === 'foreign-key') throw new NotFoundError('pipeline', run.pipelineId);
      throw error;
    }
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = await this.#db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    let query = this.#db.selectFrom('runs').selectAll();
    if (filter.pipelineId !== undefined) query = query.where('pipeline_id', '=', filter.pipelineId);
    if (filter.status && filter.status.length > 0) query = query.where('status', 'in', filter.status);
    if (filter.createdAfter !== undefined) query = query.where('created_at', '>=', isoTime(filter.createdAfter, 'createdAfter'));
    if (filter.createdBefore !== undefined) query = query.where('created_at', '<', isoTime(filter.createdBefore, 'createdBefore'));
    if (filter.beforeRunId !== undefined) {
      const cursor = await this.#db.selectFrom('runs').select(['id', 'created_at']).where('id', '=', filter.beforeRunId).executeTakeFirst();
      if (!cursor) throw new NotFoundError('run', filter.beforeRunId);
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]),
      );
    }
    query = query.orderBy('created_at', 'desc').orderBy('id', 'desc');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toRun);
  }

  async listActiveRuns(): Promise<RunRecord[]> {
    const rows = await this.#db.selectFrom('runs').selectAll().where('status', 'in', ACTIVE_RUN_STATUSES).orderBy('created_at').orderBy('id').execute();
    return rows.map(toRun);
  }

  async getTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    const rows = await this.#db.selectFrom('task_runs').selectAll().where('run_id', '=', runId).orderBy('task_id').execute();
    return rows.map(toTaskRun);
  }

  async getAttempts(runId: string, taskId?: string): Promise<TaskAttemptRecord[]> {
    let query = this.#db.selectFrom('task_attempts').selectAll().where('run_id', '=', runId);
    if (taskId !== undefined) query = query.where('task_id', '=', taskId);
    return (await query.orderBy('task_id').orderBy('attempt').execute()).map(toAttempt);
  }

  async applyBatch(batch: StoreBatch): Promise<number[]> {
    // Postgres refuses to upsert one key twice in a statement; the last state of a tick wins.
    const runs = lastByKey(batch.runs ?? [], (r) => r.id);
    const taskRuns = lastByKey(batch.taskRuns ?? [], (t) => `${t.runId}\u0000${t.taskId}`);
    const attempts = lastByKey(batch.attempts ?? [], (a) => `${a.runId}\u0000${a.taskId}\u0000${a.attempt}`);
    const logs = batch.logs ?? [];
    const events = batch.events ?? [];
    if (runs.length + taskRuns.length + attempts.length + logs.length + events.length === 0) return [];
    const runRows = runs.map((r) => runRow(r, this.dialect));
    const taskRunRows = taskRuns.map(taskRunRow);
    const attemptRows = attempts.map(attemptRow);
    const logRows = logs.map(logRow);
    const eventRows = events.map(eventRow);

    if (this.dialect === 'postgres') {
      // One statement, one round trip: see compilePostgresBatch.
      const query = compilePostgresBatch({
          ...(batch.owner !== undefined ? { ownedBy: { owner: batch.owner, runIds: touchedRunIds(batch) } } : {}),
          writes: [
            { table: 'runs', columns: columnsOf(runRows), rows: runRows, json: JSON_COLUMNS.runs, conflict: { keys: ['id'], update: RUN_UPDATE, set: RUN_RELEASE } },
            { table: 'task_runs', columns: columnsOf(taskRunRows), rows: taskRunRows, json: JSON_COLUMNS.task_runs, conflict: { keys: ['run_id', 'task_id'], update: TASK_RUN_UPDATE } },
            { table: 'task_attempts', columns: columnsOf(attemptRows), rows: attemptRows, conflict: { keys: ['run_id', 'task_id', 'attempt'], update: ATTEMPT_UPDATE } },
          ],
          appends: {
            lockKey: APPEND_LOCK_KEY,
            inserts: [
              { table: 'task_logs', columns: columnsOf(logRows), rows: logRows },
              { table: 'events', columns: columnsOf(eventRows), rows: eventRows, json: JSON_COLUMNS.events, returning: 'seq' },
            ],
          },
        });
      const rows = this.#runPrepared ? await this.#runPrepared<PostgresBatchRow>(query) : (await this.#db.executeQuery<PostgresBatchRow>(query)).rows;
      const conflict = rows.find((r) => r.conflict_run !== null);
      if (conflict) throw ownerConflict(String(conflict.conflict_run), conflict.conflict_owner, batch.owner as string);
      // RETURNING order is unspecified; seqs are assigned in row order within the statement.
      return rows.map((r) => Number(r.returned)).sort((a, b) => a - b);
    }
    return this.#db.transaction().execute(async (trx) => {
      if (batch.owner !== undefined) await this.#checkOwner(trx, batch.owner, touchedRunIds(batch));
      await this.#upsertChunks(trx, 'runs', runRows, { keys: ['id'], update: RUN_UPDATE, set: RUN_RELEASE });
      await this.#upsertChunks(trx, 'task_runs', taskRunRows, { keys: ['run_id', 'task_id'], update: TASK_RUN_UPDATE });
      await this.#upsertChunks(trx, 'task_attempts', attemptRows, { keys: ['run_id', 'task_id', 'attempt'], update: ATTEMPT_UPDATE });
      await this.#insertChunks(trx, 'task_logs', logRows);
      const seqs: number[] = [];
      for (const chunk of chunks(eventRows, this.#rowsPerChunk(EVENT_COLUMNS))) {
        const { rows } = await trx.executeQuery<{ seq: number | string }>(
          compileValuesInsert({ table: 'events', columns: columnsOf(chunk), rows: chunk, returning: 'seq', json: JSON_COLUMNS.events }),
        );
        // RETURNING order is unspecified; seqs are assigned in VALUES order within a statement.
        seqs.push(...rows.map((r) => Number(r.seq)).sort((a, b) => a - b));
      }
      return seqs;
    });
  }

  async claimRun(runId: string, owner: string, leaseMs: number, now: Date = this.#now()): Promise<boolean> {
    const result = await this.#db
      .updateTable('runs')
      .set({ owner, lease_expires_at: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', '=', runId)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '=', owner), eb('lease_expires_at', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    await this.#db.updateTable('runs').set({ owner: null, lease_expires_at: null }).where('id', '=', runId).where('owner', '=', owner).execute();
  }

  async requestCancel(runId: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('runs')
      .set({ cancel_requested: this.#bool(true) })
      .where('id', '=', runId)
      .where('status', 'in', ACTIVE_RUN_STATUSES)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    if (!(await this.getRun(runId))) throw new NotFoundError('run', runId);
    return false;
  }

  async getLogs(filter: LogFilter): Promise<TaskLogRecord[]> {
    let query = this.#logsOf(filter).selectAll().orderBy('id');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toLog);
  }

  async countLogs(filter: Omit<LogFilter, 'limit'>): Promise<number> {
    const row = await this.#logsOf(filter).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  #logsOf(filter: Omit<LogFilter, 'limit'>) {
    let query = this.#db.selectFrom('task_logs').where('run_id', '=', filter.runId);
    if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId);
    if (filter.attempt !== undefined) query = query.where('attempt', '=', filter.attempt);
    if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId);
    return query;
  }

  async listEvents(filter: EventFilter = {}): Promise<EventRecord[]> {
    let query = this.#db.selectFrom('events').selectAll();
    if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
    if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
    if (filter.pipelineId !== undefined) query = query.where('pipeline_id', '=', filter.pipelineId);
    query = query.orderBy('seq');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toEvent);
  }

  async lastEventSeq(): Promise<number> {
    const row = await this.#db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  // Datasets and connector state live in dataset-repository.ts.
  saveDatasetVersion(version: DatasetVersionRecord): Promise<void> {
    return this.#datasets.saveVersion(version);
  }

  getDatasetVersion(id: string): Promise<DatasetVersionRecord | undefined> {
    return this.#datasets.getVersion(id);
  }

  listDatasetVersions(filter?: DatasetVersionFilter): Promise<DatasetVersionRecord[]> {
    return this.#datasets.listVersions(filter);
  }

  getDataset(name: string): Promise<DatasetRecord | undefined> {
    return this.#datasets.getDataset(name);
  }

  listDatasets(): Promise<DatasetRecord[]> {
    return this.#datasets.listDatasets();
  }

  getConnectorState(key: string): Promise<unknown> {
    return this.#datasets.getConnectorState(key);
  }

  setConnectorState(key: string, value: unknown): Promise<void> {
    return this.#datasets.setConnectorState(key, value);
  }

  // Data quality check results live in check-result-repository.ts.
  saveCheckResults(results: CheckResultRecord[]): Promise<void> {
    return this.#checks.save(results);
  }

  listCheckResults(filter?: CheckResultFilter): Promise<CheckResultRecord[]> {
    return this.#checks.list(filter);
  }

  async countRunsByStatus(pipelineId?: string): Promise<Record<RunStatus, number>> {
    let query = this.#db.selectFrom('runs').select((eb) => ['status', eb.fn.countAll().as('count')]).groupBy('status');
    if (pipelineId !== undefined) query = query.where('pipeline_id', '=', pipelineId);
    const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
    for (const row of await query.execute()) {
      if (row.status in counts) counts[row.status as RunStatus] = Number(row.count);
    }
    return counts;
  }

  async taskDurationStats(pipelineId?: string): Promise<TaskDurationStat[]> {
    const finished = sql.ref('a.finished_at');
    const started = sql.ref('a.started_at');
    // Rounded per attempt: julianday() carries float noise of some microseconds.
    const durationMs =
      this.dialect === 'postgres'
        ? sql<number>`extract(epoch from (${finished} - ${started})) * 1000`
        : sql<number>`round((julianday(${finished}) - julianday(${started})) * 86400000)`;
    let query = this.#db
      .selectFrom('task_attempts as a')
      .innerJoin('runs as r', 'r.id', 'a.run_id')
      .where('a.finished_at', 'is not', null)
      .select((eb) => [
        'r.pipeline_id',
        'a.task_id',
        eb.fn.countAll().as('count'),
        eb.fn.avg(durationMs).as('avg_ms'),
        eb.fn.max(durationMs).as('max_ms'),
      ])
      .groupBy(['r.pipeline_id', 'a.task_id'])
      .orderBy('r.pipeline_id')
      .orderBy('a.task_id');
    if (pipelineId !== undefined) query = query.where('r.pipeline_id', '=', pipelineId);
    return (await query.execute()).map((row) => ({
      pipelineId: row.pipeline_id,
      taskId: row.task_id,
      count: Number(row.count),
      avgMs: Number(row.avg_ms),
      maxMs: Number(row.max_ms),
    }));
  }

  // Schedules, leases, backfills and dataset triggers live in scheduler-repository.ts.
  syncSchedules(pipelineId: string, schedules: ScheduleSync[], now: Date): Promise<ScheduleStateRecord[]> {
    return this.#scheduler.syncSchedules(pipelineId, schedules, now);
  }

  listScheduleStates(pipelineId?: string): Promise<ScheduleStateRecord[]> {
    return this.#scheduler.listScheduleStates(pipelineId);
  }

  setScheduleEnabled(pipelineId: string, scheduleId: string, enabled: boolean | null, now: Date): Promise<boolean> {
    return this.#scheduler.setScheduleEnabled(pipelineId, scheduleId, enabled, now);
  }

  claimScheduleSlot(pipelineId: string, scheduleId: string, slot: string, nextFireAt: string | null): Promise<boolean> {
    return this.#scheduler.claimScheduleSlot(pipelineId, scheduleId, slot, nextFireAt);
  }

  claimLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean> {
    return this.#scheduler.claimLease(name, owner, ttlMs, now);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.#scheduler.releaseLease(name, owner);
  }

  getSchedulerCursor(name: string): Promise<string | undefined> {
    return this.#scheduler.getCursor(name);
  }

  setSchedulerCursor(name: string, value: string, now: Date): Promise<void> {
    return this.#scheduler.setCursor(name, value, now);
  }

  createBackfill(backfill: BackfillRecord, partitions: BackfillPartitionRecord[]): Promise<void> {
    return this.#scheduler.createBackfill(backfill, partitions);
  }

  getBackfill(id: string): Promise<BackfillRecord | undefined> {
    return this.#scheduler.getBackfill(id);
  }

  listBackfills(filter?: { pipelineId?: string; status?: BackfillStatus[]; limit?: number }): Promise<BackfillRecord[]> {
    return this.#scheduler.listBackfills(filter);
  }

  updateBackfill(id: string, patch: BackfillPatch, onlyIf?: BackfillStatus[]): Promise<boolean> {
    return this.#scheduler.updateBackfill(id, patch, onlyIf);
  }

  claimBackfill(id: string, owner: string, leaseMs: number, now?: Date): Promise<boolean> {
    return this.#scheduler.claimBackfill(id, owner, leaseMs, now);
  }

  releaseBackfill(id: string, owner: string): Promise<void> {
    return this.#scheduler.releaseBackfill(id, owner);
  }

  getBackfillPartitions(backfillId: string): Promise<BackfillPartitionRecord[]> {
    return this.#scheduler.getBackfillPartitions(backfillId);
  }

  updateBackfillPartition(backfillId: string, partitionKey: string, patch: BackfillPartitionPatch, now: Date, onlyIf?: BackfillPartitionStatus[]): Promise<boolean> {
    return this.#scheduler.updateBackfillPartition(backfillId, partitionKey, patch, now, onlyIf);
  }

  listPublishedDatasetVersions(since: string, limit: number): Promise<DatasetVersionRecord[]> {
    return this.#scheduler.listPublishedDatasetVersions(since, limit);
  }

  claimDatasetTrigger(record: DatasetTriggerRecord): Promise<boolean> {
    return this.#scheduler.claimDatasetTrigger(record);
  }

  setDatasetTriggerRun(pipelineId: string, versionId: string, runId: string): Promise<void> {
    return this.#scheduler.setDatasetTriggerRun(pipelineId, versionId, runId);
  }

  listDatasetTriggers(pipelineId?: string): Promise<DatasetTriggerRecord[]> {
    return this.#scheduler.listDatasetTriggers(pipelineId);
  }

  /** Fails the batch unless every existing run it touches is owned by `owner`. */
  /** SQLite's ownership check (Postgres does it inside the batch statement, compilePostgresBatch). */
  async #checkOwner(trx: Transaction<Database>, owner: string, runIds: string[]): Promise<void> {
    for (const ids of chunks(runIds, this.#maxParameters)) {
      for (const row of await trx.selectFrom('runs').select(['id', 'owner']).where('id', 'in', ids).execute()) {
        if (row.owner !== owner) throw ownerConflict(row.id, row.owner, owner);
      }
    }
  }

  async #upsertChunks(trx: Transaction<Database>, table: keyof typeof JSON_COLUMNS, rows: Record<string, unknown>[], conflict: BulkInsert['conflict']): Promise<void> {
    await this.#insertChunks(trx, table, rows, conflict);
  }

  async #insertChunks(trx: Transaction<Database>, table: keyof typeof JSON_COLUMNS, rows: Record<string, unknown>[], conflict?: BulkInsert['conflict']): Promise<void> {
    if (rows.length === 0) return;
    const columns = columnsOf(rows);
    if (this.dialect === 'postgres') {
      await trx.executeQuery(compilePostgresBatch({ writes: [{ table, columns, rows, json: JSON_COLUMNS[table], ...(conflict ? { conflict } : {}) }] }));
      return;
    }
    for (const chunk of chunks(rows, this.#rowsPerChunk(columns.length))) {
      await trx.executeQuery(compileValuesInsert({ table, columns, rows: chunk, json: JSON_COLUMNS[table], ...(conflict ? { conflict } : {}) }));
    }
  }

  #rowsPerChunk(columns: number): number {
    return Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(this.#maxParameters / columns)));
  }

  #bool(value: boolean): boolean | number {
    return storeBoolean(this.dialect, value);
  }
}

/** A batch refused because one of its runs is owned by another engine (or none). */
function ownerConflict(runId: string, owner: string | null, expectedOwner: string): ConflictError {
  return new ConflictError(`run '${runId}' is owned by ${owner === null ? 'no engine' : `'${owner}'`}, not '${expectedOwner}'`, { runId, owner, expectedOwner });
}

/**
 * An arbitrary constant naming the lock that orders appends to task_logs and events on
 * Postgres. Readers follow logs and events by id: without it two batches could commit ids out
 * of order, and a follower that already saw the higher id would skip the lower.
 */
const APPEND_LOCK_KEY = 0x64645f6c6f67;

/** Which constraint a driver error reports, on either dialect. */
function constraintViolation(error: unknown): 'unique' | 'foreign-key' | undefined {
  const code = error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return 'unique';
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key';
  return undefined;
}

/** Every run id a batch writes to, for the ownership check. */
function touchedRunIds(batch: StoreBatch): string[] {
  const ids = new Set<string>();
  for (const r of batch.runs ?? []) ids.add(r.id);
  for (const list of [batch.taskRuns, batch.attempts, batch.logs]) for (const item of list ?? []) ids.add(item.runId);
  for (const e of batch.events ?? []) if (e.runId !== null) ids.add(e.runId);
  return [...ids];
}

function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  if (items.length < 2) return items;
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return byKey.size === items.length ? items : [...byKey.values()];
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Normalises a filter time so that text comparison on SQLite orders it like the stored values. */
function isoTime(value: string, name: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new ValidationError(`${name} is not a valid time: '${value}'`, [{ path: name, message: 'expected an ISO-8601 time' }]);
  return time.toISOString();
}
