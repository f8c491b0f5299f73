/**
 * The data plane: what data tasks use to read and write datasets. A task opens a session; its
 * inputs resolve to the dataset versions it should read (this run's, a re-run's parent's, or
 * the latest published), its outputs are written as zstd Parquet to storage and recorded as
 * staged versions, and `publish()` makes them visible downstream together with any connector
 * state (incremental cursors) the task moved. A retry writes the same keys and version ids, so
 * it never duplicates rows.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { NotFoundError, PlatformError, ValidationError } from '../core/errors.ts';
import type { ConnectorContext, ConnectorRegistry, ConnectorState, RecordBatch } from '../connectors/connector.ts';
import { resolveSecrets } from '../connectors/secrets.ts';
import type { DuckDb, DuckSession } from '../engine/duckdb.ts';
import { quoteLiteral } from '../engine/sql-quote.ts';
import type { TaskContext } from '../runtime/task-context.ts';
import type { DatasetColumn, DatasetInputRef, DatasetVersionRecord, Store } from '../store/store.ts';
import { defineView, resolveViewSql } from './dataset-views.ts';
import type { DatasetStorage } from './dataset-storage.ts';
import { writeBatchesAsNdjson } from './ndjson-staging.ts';

export interface DataPlaneOptions {
  store: Store;
  storage: DatasetStorage;
  /** Opens the shared DuckDB instance on first use. */
  duck: () => Promise<DuckDb>;
  connectors: ConnectorRegistry;
  home: string;
  logger: Logger;
}

/** Suffix of the dataset that collects a dataset's rejected rows. */
export const REJECTS_SUFFIX = '__rejects';

/** Where a staged output came from, for its version's stats. */
export interface StageOptions {
  stats?: Record<string, unknown>;
}

export class DataPlane {
  constructor(readonly options: DataPlaneOptions) {}

  /** Opens the data session of one task attempt; close it when the attempt ends. */
  async openSession(ctx: TaskContext): Promise<DataSession> {
    const duck = await (await this.options.duck()).session();
    const tempRoot = path.join(this.options.home, 'tmp');
    await mkdir(tempRoot, { recursive: true });
    const tempDir = await mkdtemp(path.join(tempRoot, `${ctx.taskId}-`));
    return new DataSession(this.options, ctx, duck, tempDir);
  }

  /** The version a reader of `dataset` sees now: the latest published. */
  async latestVersion(dataset: string): Promise<DatasetVersionRecord> {
    const record = await this.options.store.getDataset(dataset);
    const version = record?.latestVersionId ? await this.options.store.getDatasetVersion(record.latestVersionId) : undefined;
    if (!version) throw new NotFoundError('dataset', dataset);
    return version;
  }

  /** SQL reading a dataset version: its files (materialised locally when storage is remote), or a view's definition. */
  async versionSql(version: DatasetVersionRecord, depth = 0): Promise<string> {
    if (version.view) {
      const resolver = { getVersion: (id: string) => this.options.store.getDatasetVersion(id), versionSql: (v: DatasetVersionRecord, d: number) => this.versionSql(v, d) };
      return resolveViewSql(version, version.view, resolver, depth);
    }
    const files = await this.options.storage.materialize(version.files);
    if (files.length === 0) throw new PlatformError('INTERNAL', `dataset version ${version.id} of '${version.dataset}' has no files`);
    return `read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = false)`;
  }
}

/** Deterministic version id: the same run, task and dataset always give the same id. */
export function datasetVersionId(runId: string, taskId: string, dataset: string): string {
  return createHash('sha256').update(`${runId}\u0000${taskId}\u0000${dataset}`).digest('hex').slice(0, 24);
}

export class DataSession {
  private readonly staged = new Map<string, DatasetVersionRecord>();
  private readonly inputsRead: DatasetInputRef[] = [];
  /** The version record each input resolved to, kept so readers need not load it again. */
  private readonly inputVersions = new Map<string, DatasetVersionRecord>();
  /** The SQL handed out for each input version, so a view can name its inputs by version. */
  private readonly inputRelations = new Map<string, string>();
  private readonly pendingState = new Map<string, unknown>();

  constructor(
    private readonly options: DataPlaneOptions,
    readonly task: TaskContext,
    readonly duck: DuckSession,
    readonly tempDir: string,
  ) {}

  /**
   * SQL reading the version of `dataset` this task should see: the one written in this run,
   * else in the run this one re-runs (a reused task's output), else the latest published.
   */
  async input(dataset: string): Promise<string> {
    const version = await this.resolveInput(dataset);
    this.inputsRead.push({ dataset, versionId: version.id });
    this.inputVersions.set(dataset, version);
    const sql = await new DataPlane(this.options).versionSql(version);
    this.inputRelations.set(sql, version.id);
    return sql;
  }

  /** Rows of an input read with `input()`: the count its version recorded, else counted from `relation`. */
  async inputRows(dataset: string, relation: string): Promise<number> {
    const version = this.inputVersion(dataset);
    if (version) return version.rows;
    return Number((await this.duck.one(`SELECT count(*) AS n FROM ${relation}`))?.n ?? 0);
  }

  /**
   * Columns of an input read with `input()`, as its version recorded them (DuckDB's DESCRIBE
   * when it was written), so readers need not describe it again: over raw files a DESCRIBE
   * re-samples them.
   */
  inputSchema(dataset: string): DatasetColumn[] | undefined {
    const schema = this.inputVersion(dataset)?.schema;
    return schema && schema.length > 0 ? schema : undefined;
  }

  /** The version `input(dataset)` read, once it was called. */
  inputVersion(dataset: string): DatasetVersionRecord | undefined {
    return this.inputVersions.get(dataset);
  }


  private async resolveInput(dataset: string): Promise<DatasetVersionRecord> {
    const { store } = this.options;
    let runId: string | null = this.task.runId;
    for (let depth = 0; runId && depth < 20; depth++) {
      const [version] = await store.listDatasetVersions({ dataset, runId, status: ['published'], limit: 1 });
      if (version) return version;
      runId = (await store.getRun(runId))?.parentRunId ?? null;
    }
    const latest = await store.getDataset(dataset);
    const version = latest?.latestVersionId ? await store.getDatasetVersion(latest.latestVersionId) : undefined;
    if (!version) {
      throw new ValidationError(`dataset '${dataset}' has no published version yet: no task of this run wrote it and no earlier run published it`, [
        { path: `tasks.${this.task.taskId}.inputs`, message: `unknown dataset '${dataset}'` },
      ]);
    }
    return version;
  }

  /** Writes the rows of a SELECT as a staged version of `dataset` (zstd Parquet). */
  async stage(dataset: string, selectSql: string, options: StageOptions = {}): Promise<DatasetVersionRecord> {
    const file = path.join(this.tempDir, `${sanitize(dataset)}.parquet`);
    await this.duck.run(`COPY (${selectSql}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
    return this.stageParquet(dataset, [file], (stem) => `${stem}.parquet`, options);
  }

  /**
   * Stages Parquet files that already hold the rows (zstd, as `stage` writes them), in order, as
   * a version of `dataset` with one file each. The files go to storage as `stage`'s own file
   * does (a local storage moves them).
   */
  async stageFiles(dataset: string, files: readonly string[], options: StageOptions = {}): Promise<DatasetVersionRecord> {
    if (files.length === 0) throw new PlatformError('INTERNAL', `no files to stage for '${dataset}'`);
    return this.stageParquet(dataset, files, (stem, n) => `${stem}-part-${String(n).padStart(5, '0')}.parquet`, options);
  }

  /** Describes and counts local Parquet files, puts them in storage under `name(stem, n)` and records the version. */
  private async stageParquet(dataset: string, files: readonly string[], name: (stem: string, n: number) => string, options: StageOptions): Promise<DatasetVersionRecord> {
    const { schema, rows } = await this.describeAndCount(`read_parquet([${files.map(quoteLiteral).join(', ')}])`);
    // One key per run, task, dataset (and part): a retry overwrites its own staging.
    const stem = `datasets/${sanitize(dataset)}/${this.task.runId}/${sanitize(this.task.taskId)}`;
    const keys: string[] = [];
    let bytes = 0;
    for (const [n, file] of files.entries()) {
      const key = name(stem, n);
      bytes += (await stat(file)).size;
      await this.options.storage.put(file, key);
      keys.push(key);
    }
    return this.record(dataset, { files: keys, view: null, rows, bytes, schema, stats: options.stats ?? {} });
  }

  /**
   * Records the rows of a SELECT as a staged view version of `dataset`: nothing is written; the
   * version keeps the SELECT over the input versions this session read and over `files`, read
   * in place (their size and modification time are pinned). Its rows are counted now.
   */
  async stageView(
    dataset: string,
    selectSql: string,
    options: StageOptions & { files?: readonly string[]; rows?: number | undefined; schema?: DatasetColumn[] | undefined } = {},
  ): Promise<DatasetVersionRecord> {
    if (selectSql.includes(this.tempDir)) {
      throw new PlatformError('INTERNAL', `the view of '${dataset}' would read temp files of task '${this.task.taskId}', which are removed when it ends`);
    }
    const view = await defineView(selectSql, this.inputRelations, options.files ?? []);
    const { schema, rows } = await this.describeAndCount(`(${selectSql})`, options.rows, options.schema);
    return this.record(dataset, { files: [], view, rows, bytes: 0, schema, stats: { ...options.stats, materialize: 'view' } });
  }

  private async describeAndCount(relation: string, knownRows?: number, knownSchema?: DatasetColumn[]): Promise<{ schema: DatasetColumn[]; rows: number }> {
    const schema =
      knownSchema ?? (await this.duck.all(`DESCRIBE SELECT * FROM ${relation}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type), nullable: r.null !== 'NO' }));
    if (knownRows !== undefined) return { schema, rows: knownRows };
    const counted = await this.duck.one(`SELECT count(*)::BIGINT AS n FROM ${relation}`);
    return { schema, rows: Number(counted?.n ?? 0) };
  }

  private async record(
    dataset: string,
    fields: Pick<DatasetVersionRecord, 'files' | 'view' | 'rows' | 'bytes' | 'schema' | 'stats'>,
  ): Promise<DatasetVersionRecord> {
    const version: DatasetVersionRecord = {
      id: datasetVersionId(this.task.runId, this.task.taskId, dataset),
      dataset,
      pipelineId: this.task.pipelineId,
      runId: this.task.runId,
      taskId: this.task.taskId,
      status: 'staged',
      ...fields,
      inputs: [...this.inputsRead],
      createdAt: new Date().toISOString(),
      publishedAt: null,
    };
    await this.options.store.saveDatasetVersion(version);
    this.staged.set(dataset, version);
    return version;
  }

  /**
   * Spools batches of JS rows to an NDJSON file in the session's temp folder and returns the SQL
   * that reads it (with `columns`, a fixed schema instead of inference).
   */
  async spoolBatches(name: string, batches: AsyncIterable<RecordBatch>, columns?: Record<string, string>): Promise<{ sql: string; rows: number }> {
    const staged = await writeBatchesAsNdjson(batches, path.join(this.tempDir, `${sanitize(name)}.ndjson`), this.task.signal);
    if (staged.rows === 0 && !columns) return { sql: 'SELECT NULL::VARCHAR AS "_empty" WHERE false', rows: 0 };
    return { sql: readNdjsonSql(staged.file, columns), rows: staged.rows };
  }

  /** Records rejected rows (`raw`, `reason`, `source` columns) as `<dataset>__rejects`; returns how many. */
  async stageRejects(dataset: string, rejectsSql: string): Promise<number> {
    const sql = `SELECT CAST(raw AS VARCHAR) AS raw, CAST(reason AS VARCHAR) AS reason, CAST(source AS VARCHAR) AS source, ${quoteLiteral(this.task.taskId)} AS task_id, ${quoteLiteral(this.task.runId)} AS run_id FROM (${rejectsSql})`;
    const version = await this.stage(`${dataset}${REJECTS_SUFFIX}`, sql);
    return version.rows;
  }

  /** A connector context: secrets resolved, state kept per pipeline and task (committed on publish). */
  connectorContext<C>(config: C, stateKey = 'default'): ConnectorContext<C> {
    const key = `${this.task.pipelineId}/${this.task.taskId}/${stateKey}`;
    const { store } = this.options;
    const pending = this.pendingState;
    const state: ConnectorState = {
      get: async <T>() => (pending.has(key) ? (pending.get(key) as T) : ((await store.getConnectorState(key)) as T | undefined)),
      set: async (value: unknown) => {
        pending.set(key, value);
      },
    };
    return {
      config: resolveSecrets(config, process.env, `tasks.${this.task.taskId}.config.connector`),
      signal: this.task.signal,
      log: { info: (m) => this.task.log.info(m), warn: (m) => this.task.log.warn(m) },
      baseDir: this.task.baseDir,
      tempDir: this.tempDir,
      state,
      params: this.task.params,
    };
  }

  /** Makes every staged output visible downstream and commits connector state. */
  async publish(): Promise<DatasetVersionRecord[]> {
    const now = new Date().toISOString();
    const published: DatasetVersionRecord[] = [];
    for (const version of this.staged.values()) {
      const record = { ...version, status: 'published' as const, publishedAt: now };
      await this.options.store.saveDatasetVersion(record);
      published.push(record);
    }
    for (const [key, value] of this.pendingState) await this.options.store.setConnectorState(key, value);
    this.pendingState.clear();
    return published;
  }

  /** Publishes only the rejects datasets (kept even when the task fails, so no row is lost). */
  async publishRejects(): Promise<void> {
    const now = new Date().toISOString();
    for (const version of this.staged.values()) {
      if (version.dataset.endsWith(REJECTS_SUFFIX)) await this.options.store.saveDatasetVersion({ ...version, status: 'published', publishedAt: now });
    }
  }

  async close(): Promise<void> {
    this.duck.close();
    await rm(this.tempDir, { recursive: true, force: true });
  }
}

/** SQL reading an NDJSON file; with `columns`, a fixed schema instead of inference. */
export function readNdjsonSql(file: string, columns?: Record<string, string>): string {
  if (!columns) return `SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', sample_size = -1)`;
  const spec = Object.entries(columns)
    .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
    .join(', ');
  return `SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = {${spec}})`;
}

/** Dataset and task names as path segments. */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
