/**
 * One page of runs, newest first, as GET /executions and GET /pipelines/{id}/runs answer it:
 * the runs and the cursor of the next (older) page.
 */
import type { RunStatus } from '../core/statuses.ts';
import type { RunRecord, Store } from '../store/store.ts';

export interface RunPageQuery {
  pipelineId?: string | undefined;
  status?: RunStatus[] | undefined;
  /** ISO time bounds of createdAt: since inclusive, until exclusive. */
  since?: string | undefined;
  until?: string | undefined;
  limit: number;
  /** The `nextCursor` of the previous page. */
  before?: string | undefined;
}

/** Reads one page; `nextCursor` is null on the last page. */
export async function listRunPage(store: Store, query: RunPageQuery): Promise<{ runs: RunRecord[]; nextCursor: string | null }> {
  // One extra row tells whether another page exists without a count query.
  const rows = await store.listRuns({
    limit: query.limit + 1,
    ...(query.pipelineId !== undefined ? { pipelineId: query.pipelineId } : {}),
    ...(query.status !== undefined && query.status.length > 0 ? { status: query.status } : {}),
    ...(query.since !== undefined ? { createdAfter: query.since } : {}),
    ...(query.until !== undefined ? { createdBefore: query.until } : {}),
    ...(query.before !== undefined ? { beforeRunId: query.before } : {}),
  });
  const runs = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? (runs[runs.length - 1]?.id ?? null) : null;
  return { runs, nextCursor };
}
