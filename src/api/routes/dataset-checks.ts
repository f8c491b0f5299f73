/**
 * Data quality check results of a dataset: what each check found on each version written, with
 * samples of the failing rows, including the versions that were rejected.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform.ts';
import { listDatasetChecks } from '../../quality/dataset-checks.ts';
import { DatasetChecksQuery, DatasetChecksResponse, DatasetNameParams, errorResponses } from '../schemas.ts';

export interface DatasetCheckRoutesOptions {
  platform: Platform;
}

/** Registers GET /datasets/:name/checks. */
export const datasetCheckRoutes: FastifyPluginAsyncZod<DatasetCheckRoutesOptions> = async (app, { platform }) => {
  app.get(
    '/datasets/:name/checks',
    {
      schema: {
        tags: ['datasets'],
        summary: 'List check results of a dataset',
        description: 'Results of the data quality checks run on its versions, newest first, optionally only those of one run.',
        params: DatasetNameParams,
        querystring: DatasetChecksQuery,
        response: { 200: DatasetChecksResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { run, limit } = request.query;
      return { results: await listDatasetChecks(platform.store, request.params.name, { limit, ...(run !== undefined ? { runId: run } : {}) }) };
    },
  );
};
