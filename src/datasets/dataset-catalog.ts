/**
 * Read access to datasets for the CLI and the API: list them, show one with its versions, and
 * preview a version's rows.
 */
import { NotFoundError } from '../core/errors.ts';
import type { ColumnInfo, RecordBatch } from '../connectors/connector.ts';
import type { DuckDb } from '../engine/duckdb.ts';
import type { DatasetRecord, DatasetVersionRecord, Store } from '../store/store.ts';
import type { DataPlane } from './data-plane.ts';

export interface DatasetDetail {
  dataset: DatasetRecord;
  versions: DatasetVersionRecord[];
}

export interface DatasetPreview {
  dataset: string;
  version: DatasetVersionRecord;
  columns: ColumnInfo[];
  rows: RecordBatch;
}

export interface PreviewOptions {
  /** The version written by this run (default: the latest published). */
  runId?: string;
  versionId?: string;
  limit?: number;
  offset?: number;
}

export class DatasetCatalog {
  constructor(
    private readonly store: Store,
    private readonly dataPlane: DataPlane,
    private readonly duck: () => Promise<DuckDb>,
  ) {}

  list(): Promise<DatasetRecord[]> {
    return this.store.listDatasets();
  }

  async get(name: string, limit = 50): Promise<DatasetDetail> {
    const dataset = await this.store.getDataset(name);
    if (!dataset) throw new NotFoundError('dataset', name);
    return { dataset, versions: await this.store.listDatasetVersions({ dataset: name, limit }) };
  }

  /** The version a preview or a reader of `--run` means. */
  async resolveVersion(name: string, options: PreviewOptions = {}): Promise<DatasetVersionRecord> {
    if (options.versionId) {
      const version = await this.store.getDatasetVersion(options.versionId);
      if (!version || version.dataset !== name) throw new NotFoundError('dataset version', `${name}@${options.versionId}`);
      return version;
    }
    if (options.runId) {
      const [version] = await this.store.listDatasetVersions({ dataset: name, runId: options.runId, limit: 1 });
      if (!version) throw new NotFoundError('dataset version', `${name} in run ${options.runId}`);
      return version;
    }
    return this.dataPlane.latestVersion(name);
  }

  async preview(name: string, options: PreviewOptions = {}): Promise<DatasetPreview> {
    const version = await this.resolveVersion(name, options);
    const limit = Math.min(Math.max(1, options.limit ?? 20), 10_000);
    const offset = Math.max(0, options.offset ?? 0);
    const session = await (await this.duck()).session();
    try {
      const from = await this.dataPlane.versionSql(version);
      const rows = await session.all(`SELECT * FROM ${from} LIMIT ${limit} OFFSET ${offset}`);
      const columns = version.schema.map((c) => ({ name: c.name, type: c.type, ...(c.nullable === undefined ? {} : { nullable: c.nullable }) }));
      return { dataset: name, version, columns, rows };
    } finally {
      session.close();
    }
  }
}
