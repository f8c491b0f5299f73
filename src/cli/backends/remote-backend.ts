/**
 * Remote mode: every command goes to a DataDog server through the REST API. Runs execute on
 * the server, so a run outlives the CLI; following one is polling its status and logs.
 */
import { ApiClient } from '../../api/client.ts';
import type { ConnectorInfo } from '../../connectors/connector.ts';
import type { ConnectorTestResult } from '../../connectors/test-connector.ts';
import { loadSpecFile } from '../../core/spec/load-spec-file.ts';
import type { ParamValues } from '../../core/spec/params.ts';
import type { DatasetPreview } from '../../datasets/dataset-catalog.ts';
import type { CreateBackfillInput } from '../../scheduler/backfill-runner.ts';
import type { BackfillDetail } from '../../scheduler/backfill-progress.ts';
import type { BackfillRecord } from '../../store/store.ts';
import type { ScheduleInfo } from '../../scheduler/schedule-catalog.ts';
import type { CheckResultRecord, DatasetRecord, PipelineRecord, RunRecord } from '../../store/store.ts';
import type { CheckResultsQuery, CliBackend, ConnectorTestQuery, DatasetDetail, DatasetPreviewQuery, LogPage, LogQuery, RegisterResult, RunDetail, RunObserver } from '../backend.ts';
import { pollRun } from './poll-run.ts';

/** How often a followed run is polled. */
const POLL_MS = 300;

/** The CLI backend over the REST API of the server at `serverUrl`. */
export class RemoteBackend implements CliBackend {
  readonly mode = 'remote' as const;
  readonly client: ApiClient;

  constructor(serverUrl: string) {
    this.client = new ApiClient(serverUrl);
  }

  async registerFile(file: string): Promise<RegisterResult> {
    const loaded = await loadSpecFile(file);
    // YAML goes as written, so the server reports errors against the user's text. A module's
    // spec goes as JSON (functions cannot travel); its path lets a server on this machine
    // re-import the code of script tasks.
    const source = loaded.format === 'yaml' && loaded.text !== undefined ? { yaml: loaded.text } : { spec: toJsonObject(loaded.raw) };
    return this.client.createPipeline(source, loaded.sourcePath);
  }

  listPipelines(): Promise<PipelineRecord[]> {
    return this.client.listPipelines();
  }

  async triggerRun(pipelineId: string, params: ParamValues): Promise<RunRecord> {
    return (await this.client.executePipeline(pipelineId, params)).run;
  }

  getRun(runId: string): Promise<RunDetail> {
    return this.client.getRunStatus(runId);
  }

  async getLogs(runId: string, query: LogQuery = {}): Promise<LogPage> {
    const page = await this.client.getLogs(runId, query);
    return { logs: page.logs, nextAfter: page.nextAfter };
  }

  async cancelRun(runId: string): Promise<RunRecord> {
    return (await this.client.cancelRun(runId)).run;
  }

  async rerun(runId: string): Promise<RunRecord> {
    return (await this.client.rerun(runId)).run;
  }

  followRun(runId: string, observer?: RunObserver): Promise<RunDetail> {
    return pollRun({ runId, getRun: (id) => this.getRun(id), getLogs: (id, q) => this.getLogs(id, q), intervalMs: POLL_MS, ...(observer ? { observer } : {}) });
  }

  listDatasets(): Promise<DatasetRecord[]> {
    return this.client.listDatasets();
  }

  getDataset(name: string, versionLimit?: number): Promise<DatasetDetail> {
    return this.client.getDataset(name, versionLimit !== undefined ? { limit: versionLimit } : {});
  }

  previewDataset(name: string, query: DatasetPreviewQuery = {}): Promise<DatasetPreview> {
    return this.client.previewDataset(name, { run: query.runId, version: query.versionId, limit: query.limit, offset: query.offset });
  }

  listCheckResults(dataset: string, query: CheckResultsQuery = {}): Promise<CheckResultRecord[]> {
    return this.client.listCheckResults(dataset, { run: query.runId, limit: query.limit });
  }

  async listConnectors(): Promise<ConnectorInfo[]> {
    return (await this.client.connectors()).connectors;
  }

  testConnector(query: ConnectorTestQuery): Promise<ConnectorTestResult> {
    // The folder as this machine sees it: right for a server on the same machine or sharing the files.
    return this.client.testConnector({ connector: query.connector, baseDir: query.baseDir, ...(query.discover ? { discover: true } : {}) });
  }

  listSchedules(options: { pipelineId?: string; count?: number } = {}): Promise<ScheduleInfo[]> {
    return this.client.listSchedules({ ...(options.pipelineId ? { pipeline: options.pipelineId } : {}), ...(options.count ? { count: options.count } : {}) });
  }

  setScheduleEnabled(pipelineId: string, index: number | undefined, enabled: boolean): Promise<ScheduleInfo[]> {
    return this.client.setScheduleEnabled(pipelineId, index, enabled);
  }

  startBackfill(input: CreateBackfillInput): Promise<BackfillDetail> {
    const { pipelineId, from, to, concurrency, params } = input;
    return this.client.createBackfill(pipelineId, { from, to, concurrency, params });
  }

  getBackfill(id: string): Promise<BackfillDetail> {
    return this.client.getBackfill(id);
  }

  listBackfills(filter: { pipelineId?: string } = {}): Promise<BackfillRecord[]> {
    return this.client.listBackfills(filter.pipelineId ? { pipeline: filter.pipelineId } : {});
  }

  cancelBackfill(id: string): Promise<BackfillDetail> {
    return this.client.cancelBackfill(id);
  }

  resumeBackfill(id: string): Promise<BackfillDetail> {
    return this.client.resumeBackfill(id);
  }

  async followBackfill(id: string, onProgress?: (detail: BackfillDetail) => void): Promise<BackfillDetail> {
    // The server drives it; following is polling its progress.
    for (;;) {
      const detail = await this.client.getBackfill(id);
      onProgress?.(detail);
      if (detail.backfill.status !== 'running' && detail.progress.running === 0) return detail;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async close(): Promise<void> {
    // fetch keeps no connection that would hold the process open.
  }
}

function toJsonObject(raw: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(raw, (_key, value: unknown) => (typeof value === 'function' ? undefined : value))) as Record<string, unknown>;
}
