/**
 * Datasets: list them, read one with its versions, list versions by run and status, preview
 * a version's rows and read its schema. A version is picked by `?version=`, else by `?run=`
 * (the version that run wrote), else the latest published one.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import { toJsonRows } from '../../datasets/json-rows.ts';
import type { PreviewOptions } from '../../datasets/dataset-catalog.ts';
import type { Platform } from '../../platform.ts';
import {
  DatasetDetail,
  DatasetDetailQuery,
  DatasetNameParams,
  DatasetPreview,
  DatasetPreviewQuery,
  DatasetSchema,
  DatasetSchemaQuery,
  DatasetVersionsQuery,
  DatasetVersionsResponse,
  ListDatasetsResponse,
  errorResponses,
} from '../schemas.ts';

export interface DatasetRoutesOptions {
  platform: Platform;
}

/** The version selector of a query, in the catalog's terms. */
function selectorOf(query: { run?: string | undefined; version?: string | undefined }): PreviewOptions {
  return { ...(query.run !== undefined ? { runId: query.run } : {}), ...(query.version !== undefined ? { versionId: query.version } : {}) };
}

/** Registers the /datasets routes. */
export const datasetRoutes: FastifyPluginAsyncZod<DatasetRoutesOptions> = async (app, { platform }) => {
  const { store, datasets } = platform;

  /**
   * A dataset exists once any version of it was written; one whose versions were all staged
   * or rejected has no dataset row yet, but its versions are still worth listing.
   */
  const assertKnown = async (name: string): Promise<void> => {
    if (await store.getDataset(name)) return;
    if ((await store.listDatasetVersions({ dataset: name, limit: 1 })).length > 0) return;
    throw new NotFoundError('dataset', name);
  };

  app.get(
    '/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'List datasets',
        description: 'Every dataset with a published version, by name, with its latest version and row count.',
        response: { 200: ListDatasetsResponse },
      },
    },
    async () => ({ datasets: await datasets.list() }),
  );

  app.get(
    '/datasets/:name',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Get a dataset',
        description: 'The dataset with its versions, newest first.',
        params: DatasetNameParams,
        querystring: DatasetDetailQuery,
        response: { 200: DatasetDetail, ...errorResponses(400, 404) },
      },
    },
    async (request) => datasets.get(request.params.name, request.query.limit),
  );

  app.get(
    '/datasets/:name/versions',
    {
      schema: {
        tags: ['datasets'],
        summary: 'List versions of a dataset',
        description: 'Newest first, optionally only those written by one run or in some statuses.',
        params: DatasetNameParams,
        querystring: DatasetVersionsQuery,
        response: { 200: DatasetVersionsResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { name } = request.params;
      await assertKnown(name);
      const { run, status, limit } = request.query;
      const versions = await store.listDatasetVersions({
        dataset: name,
        limit,
        ...(run !== undefined ? { runId: run } : {}),
        ...(status !== undefined && status.length > 0 ? { status } : {}),
      });
      return { versions };
    },
  );

  app.get(
    '/datasets/:name/preview',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Preview rows of a dataset version',
        description: 'Rows of the version picked by `version`, else by `run`, else the latest published one; page with `limit` and `offset`.',
        params: DatasetNameParams,
        querystring: DatasetPreviewQuery,
        response: { 200: DatasetPreview, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const preview = await datasets.preview(request.params.name, { ...selectorOf(request.query), limit, offset });
      return { ...preview, rows: toJsonRows(preview.rows) };
    },
  );

  app.get(
    '/datasets/:name/schema',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Get the schema of a dataset version',
        description: 'Columns of the version picked by `version`, else by `run`, else the latest published one.',
        params: DatasetNameParams,
        querystring: DatasetSchemaQuery,
        response: { 200: DatasetSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { name } = request.params;
      const version = await datasets.resolveVersion(name, selectorOf(request.query));
      return { dataset: name, version, columns: version.schema };
    },
  );
};
