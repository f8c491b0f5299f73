/**
 * The store's SQL for data quality check results: written by the tasks that audit a dataset
 * version, read by the API and `datadog dataset checks`. KyselyStore delegates to it; see
 * store.ts for the contract of each method.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, JsonColumn, TimestampColumn } from './database.ts';
import { parseJson } from './store-rows.ts';
import type { CheckResultFilter, CheckResultRecord, CheckSeverity, CheckStatus } from './store.ts';

/** One check run on one dataset version (migration 0004-check-results). */
export interface CheckResultsTable {
  id: string;
  dataset: string;
  version_id: string;
  run_id: string;
  task_id: string;
  pipeline_id: string;
  name: string;
  type: string;
  severity: string;
  status: string;
  failing_rows: number;
  sample: JsonColumn;
  message: string;
  duration_ms: number;
  created_at: TimestampColumn;
}

/** Columns of a check_results row, to size multi-row inserts under the parameter limit. */
const COLUMNS = 15;
/** Most rows per insert statement: SQLite allows 32,766 bound parameters, Postgres 65,535. */
const ROWS_PER_STATEMENT = Math.floor(32_766 / COLUMNS);

/** What a CheckResultRepository runs on. */
export interface CheckResultRepositoryOptions {
  db: Kysely<Database>;
}

/**
 * Check results over Kysely, on either dialect.
 *
 * @example
 * const checks = new CheckResultRepository({ db });
 * await checks.save(results);
 * await checks.list({ dataset: 'orders', limit: 20 }); // newest first
 */
export class CheckResultRepository {
  readonly #db: Kysely<Database & { check_results: CheckResultsTable }>;

  constructor(options: CheckResultRepositoryOptions) {
    this.#db = options.db.withTables<{ check_results: CheckResultsTable }>();
  }

  /** Upserts results by id, in one transaction. */
  async save(results: CheckResultRecord[]): Promise<void> {
    if (results.length === 0) return;
    // Postgres refuses to upsert one id twice in a statement; the last result given wins.
    const rows = [...new Map(results.map((r) => [r.id, checkResultRow(r)])).values()];
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        await trx
          .insertInto('check_results')
          .values(rows.slice(i, i + ROWS_PER_STATEMENT))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              dataset: eb.ref('excluded.dataset'),
              version_id: eb.ref('excluded.version_id'),
              run_id: eb.ref('excluded.run_id'),
              task_id: eb.ref('excluded.task_id'),
              pipeline_id: eb.ref('excluded.pipeline_id'),
              name: eb.ref('excluded.name'),
              type: eb.ref('excluded.type'),
              severity: eb.ref('excluded.severity'),
              status: eb.ref('excluded.status'),
              failing_rows: eb.ref('excluded.failing_rows'),
              sample: eb.ref('excluded.sample'),
              message: eb.ref('excluded.message'),
              duration_ms: eb.ref('excluded.duration_ms'),
              created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute();
      }
    });
  }

  /** Results matching the filter: newest first, and within one audit in the order the checks ran (ids sort so). */
  async list(filter: CheckResultFilter = {}): Promise<CheckResultRecord[]> {
    let query = this.#db.selectFrom('check_results').selectAll();
    if (filter.dataset !== undefined) query = query.where('dataset', '=', filter.dataset);
    if (filter.versionId !== undefined) query = query.where('version_id', '=', filter.versionId);
    if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
    query = query.orderBy('created_at', 'desc').orderBy('id', 'asc');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map(toCheckResult);
  }
}

function checkResultRow(r: CheckResultRecord): Insertable<CheckResultsTable> {
  return {
    id: r.id,
    dataset: r.dataset,
    version_id: r.versionId,
    run_id: r.runId,
    task_id: r.taskId,
    pipeline_id: r.pipelineId,
    name: r.name,
    type: r.type,
    severity: r.severity,
    status: r.status,
    failing_rows: r.failingRows,
    sample: JSON.stringify(r.sample),
    message: r.message,
    duration_ms: Math.round(r.durationMs),
    created_at: r.createdAt,
  };
}

function toCheckResult(row: Selectable<CheckResultsTable>): CheckResultRecord {
  return {
    id: row.id,
    dataset: row.dataset,
    versionId: row.version_id,
    runId: row.run_id,
    taskId: row.task_id,
    pipelineId: row.pipeline_id,
    name: row.name,
    type: row.type,
    severity: row.severity as CheckSeverity,
    status: row.status as CheckStatus,
    // bigint columns come back as strings from pg.
    failingRows: Number(row.failing_rows),
    sample: parseJson(row.sample) as Array<Record<string, unknown>>,
    message: row.message,
    durationMs: Number(row.duration_ms),
    createdAt: row.created_at,
  };
}
