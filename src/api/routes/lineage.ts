/**
 * GET /api/v1/datasets/{name}/lineage: where a dataset comes from and what is made from it.
 * A route file of its own so that the dataset routes and this one can change independently.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { datasetLineage } from '../../datasets/dataset-lineage.ts';
import type { Platform } from '../../platform.ts';
import { DatasetNameParams, errorResponses } from '../schemas.ts';
import { DatasetLineage, LineageQuery } from '../schemas/lineage.ts';

export interface LineageRoutesOptions {
  platform: Platform;
}

/** Registers GET /datasets/{name}/lineage. */
export const lineageRoutes: FastifyPluginAsyncZod<LineageRoutesOptions> = async (app, { platform }) => {
  app.get(
    '/datasets/:name/lineage',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Get the lineage of a dataset',
        description:
          'Datasets and the tasks that wrote them, up to `depth` datasets upstream (the inputs of the latest version, recursively) ' +
          'and downstream (datasets whose latest version read this one). Edges point downstream: dataset -> task -> dataset.',
        params: DatasetNameParams,
        querystring: LineageQuery,
        response: { 200: DatasetLineage, ...errorResponses(400, 404) },
      },
    },
    async (request) => datasetLineage(platform.store, request.params.name, request.query.depth),
  );
};
