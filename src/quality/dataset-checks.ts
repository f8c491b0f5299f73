/**
 * Reading a dataset's check results, as the API route and the CLI's local mode both do, so the
 * two answer the same (including NOT_FOUND for a dataset nobody ever wrote).
 */
import { NotFoundError } from '../core/errors.ts';
import type { CheckResultRecord, Store } from '../store/store.ts';

export interface DatasetChecksQuery {
  /** Only the checks run in this run. */
  runId?: string;
  /** Most results, newest first (default 50). */
  limit?: number;
}

/**
 * The newest check results of `dataset`. A dataset whose only version was rejected has no
 * dataset row yet, but its results are exactly what its owner wants to read, so it is known too.
 */
export async function listDatasetChecks(store: Store, dataset: string, query: DatasetChecksQuery = {}): Promise<CheckResultRecord[]> {
  const results = await store.listCheckResults({ dataset, limit: query.limit ?? 50, ...(query.runId !== undefined ? { runId: query.runId } : {}) });
  if (results.length > 0) return results;
  if (await store.getDataset(dataset)) return results;
  if ((await store.listDatasetVersions({ dataset, limit: 1 })).length > 0) return results;
  throw new NotFoundError('dataset', dataset);
}
