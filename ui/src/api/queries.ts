/**
 * TanStack Query hooks, one per resource. Query keys start with the resource name (`run`,
 * `runs`, `pipelines`, ...) so that live events invalidate by prefix (see live-events.ts).
 * While the event stream is down, hooks of changing resources poll instead.
 */
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { ApiError, apiGet, seg } from './api-client.ts';
import { deriveOverview } from './derive-overview.ts';
import type {
  CheckResult,
  ConnectorsResponse,
  DatasetDetail,
  DatasetPreview,
  Lineage,
  ListDatasetsResponse,
  ListPipelinesResult,
  ListRunsResponse,
  PipelineDetail,
  PipelineDiff,
  PipelineVersionDetail,
  PipelineVersionInfo,
  Run,
  RunDetail,
  RunsOverview,
  Schedule,
  WorkersResponse,
} from './types.ts';

/** How often to poll while live events are unavailable. */
export const POLL_MS = 2000;

const ACTIVE_RUN = new Set(['queued', 'running']);

/** True while a run may still change. */
export function isActiveRun(run: Pick<Run, 'status'> | undefined | null): boolean {
  return run !== undefined && run !== null && ACTIVE_RUN.has(run.status);
}

export function usePipelines(poll: boolean): UseQueryResult<ListPipelinesResult> {
  return useQuery({
    queryKey: ['pipelines'],
    queryFn: ({ signal }) => apiGet<ListPipelinesResult>('/pipelines', undefined, signal),
    refetchInterval: poll ? POLL_MS * 2 : false,
  });
}

export function usePipeline(id: string): UseQueryResult<PipelineDetail> {
  return useQuery({
    queryKey: ['pipeline', id],
    queryFn: ({ signal }) => apiGet<PipelineDetail>(`/pipelines/${seg(id)}`, undefined, signal),
  });
}

/** Versions of a pipeline, newest first. */
export function usePipelineVersions(id: string): UseQueryResult<PipelineVersionInfo[]> {
  return useQuery({
    queryKey: ['pipeline', id, 'versions'],
    queryFn: async ({ signal }) => (await apiGet<{ versions: PipelineVersionInfo[] }>(`/pipelines/${seg(id)}/versions`, undefined, signal)).versions,
  });
}

/** One version of a pipeline with its spec (null: not wanted). Versions never change, so it is kept. */
export function usePipelineVersion(id: string, version: string | null): UseQueryResult<PipelineVersionDetail> {
  return useQuery({
    queryKey: ['pipeline', id, 'version', version],
    queryFn: ({ signal }) => apiGet<PipelineVersionDetail>(`/pipelines/${seg(id)}/versions/${seg(version ?? '')}`, undefined, signal),
    enabled: version !== null,
    staleTime: Infinity,
  });
}

export function usePipelineDiff(id: string, from: string | null, to: string | null): UseQueryResult<PipelineDiff> {
  return useQuery({
    queryKey: ['pipeline', id, 'diff', from, to],
    queryFn: ({ signal }) => apiGet<PipelineDiff>(`/pipelines/${seg(id)}/diff`, { from, to }, signal),
    enabled: from !== null && to !== null && from !== to,
    staleTime: Infinity,
  });
}

export interface RunsFilter {
  pipeline?: string;
  status?: string;
  limit?: number;
}

export function useRuns(filter: RunsFilter, poll: boolean): UseQueryResult<ListRunsResponse> {
  return useQuery({
    queryKey: ['runs', filter],
    queryFn: ({ signal }) => apiGet<ListRunsResponse>('/executions', { pipeline: filter.pipeline, status: filter.status, limit: filter.limit ?? 50 }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (poll && (query.state.data?.runs ?? []).some(isActiveRun) ? POLL_MS : false),
  });
}

export function useRunDetail(id: string, poll: boolean): UseQueryResult<RunDetail> {
  return useQuery({
    queryKey: ['run', id],
    queryFn: ({ signal }) => apiGet<RunDetail>(`/executions/${seg(id)}/status`, undefined, signal),
    // While live events flow, a slow poll still guards an active run against a missed event.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (data !== undefined && !isActiveRun(data.run)) return false;
      return poll ? POLL_MS : POLL_MS * 8;
    },
  });
}

/** The overview figures: the server's summary, or derived from the latest runs when it has none. */
export function useOverview(poll: boolean): UseQueryResult<RunsOverview & { derived: boolean }> {
  return useQuery({
    queryKey: ['metrics', 'overview'],
    queryFn: async ({ signal }) => {
      try {
        const summary = await apiGet<RunsOverview>('/metrics/summary', undefined, signal);
        return { ...summary, derived: false };
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        // An older server: the same figures from its latest runs.
        const { runs } = await apiGet<ListRunsResponse>('/executions', { limit: 500 }, signal);
        return { ...deriveOverview(runs, Date.now()), derived: true };
      }
    },
    refetchInterval: poll ? POLL_MS * 2 : false,
  });
}

/** The latest runs of every pipeline, for the list's last status when the server does not give it. */
export function useLatestRuns(enabled: boolean, poll: boolean): UseQueryResult<ListRunsResponse> {
  return useQuery({
    queryKey: ['runs', { limit: 500 }],
    queryFn: ({ signal }) => apiGet<ListRunsResponse>('/executions', { limit: 500 }, signal),
    enabled,
    refetchInterval: poll ? POLL_MS * 2 : false,
  });
}

export function useDatasets(): UseQueryResult<ListDatasetsResponse> {
  return useQuery({
    queryKey: ['datasets'],
    queryFn: ({ signal }) => apiGet<ListDatasetsResponse>('/datasets', undefined, signal),
  });
}

export function useDataset(name: string): UseQueryResult<DatasetDetail> {
  return useQuery({
    queryKey: ['dataset', name],
    queryFn: ({ signal }) => apiGet<DatasetDetail>(`/datasets/${seg(name)}`, undefined, signal),
  });
}

export function useDatasetPreview(name: string, version: string | null, limit: number): UseQueryResult<DatasetPreview> {
  return useQuery({
    queryKey: ['dataset', name, 'preview', version, limit],
    queryFn: ({ signal }) => apiGet<DatasetPreview>(`/datasets/${seg(name)}/preview`, { version, limit }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDatasetLineage(name: string): UseQueryResult<Lineage> {
  return useQuery({
    queryKey: ['dataset', name, 'lineage'],
    queryFn: ({ signal }) => apiGet<Lineage>(`/datasets/${seg(name)}/lineage`, undefined, signal),
    retry: false,
  });
}

export function useConnectors(): UseQueryResult<ConnectorsResponse> {
  return useQuery({
    queryKey: ['connectors'],
    queryFn: ({ signal }) => apiGet<ConnectorsResponse>('/connectors', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

/** Where tasks run: the worker processes (or the server itself), polled since heartbeats move on their own. */
export function useWorkers(): UseQueryResult<WorkersResponse> {
  return useQuery({
    queryKey: ['workers'],
    queryFn: ({ signal }) => apiGet<WorkersResponse>('/workers', undefined, signal),
    refetchInterval: POLL_MS,
  });
}

/** The cron schedules of a pipeline with their state and next fire times. */
export function useSchedules(pipelineId: string, count = 3): UseQueryResult<Schedule[]> {
  return useQuery({
    queryKey: ['schedules', pipelineId, count],
    queryFn: async ({ signal }) => (await apiGet<{ schedules: Schedule[] }>('/schedules', { pipeline: pipelineId, count }, signal)).schedules,
    // Next fire times move on as slots pass.
    refetchInterval: 60_000,
  });
}

/** Data quality check results of a dataset, newest first (under `dataset` so that dataset refreshes include it). */
export function useDatasetChecks(name: string, limit = 50): UseQueryResult<CheckResult[]> {
  return useQuery({
    queryKey: ['dataset', name, 'checks', limit],
    queryFn: async ({ signal }) => (await apiGet<{ results: CheckResult[] }>(`/datasets/${seg(name)}/checks`, { limit }, signal)).results,
  });
}
