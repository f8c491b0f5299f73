/**
 * Backfills: run every partition of a range of a partitioned pipeline with a concurrency
 * limit, follow the progress, cancel as one unit, resume what failed.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Scheduler } from '../../scheduler/scheduler.ts';
import {
  BackfillDetail,
  BackfillIdParams,
  CreateBackfillBody,
  ListBackfillsQuery,
  ListBackfillsResponse,
  PipelineIdParams,
  errorResponses,
} from '../schemas.ts';

export interface BackfillRoutesOptions {
  scheduler: Scheduler;
}

/** Registers the /backfills routes and POST /pipelines/{id}/backfills. */
export const backfillRoutes: FastifyPluginAsyncZod<BackfillRoutesOptions> = async (app, { scheduler }) => {
  const runner = scheduler.backfills;

  app.post(
    '/pipelines/:id/backfills',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Start a backfill',
        description:
          'Runs the pipeline once per partition from `from` to `to` (inclusive), each run with its partition key as a param, at most `concurrency` at once. ' +
          'The pipeline must declare `partitions`. Answers 201 with the backfill as it starts.',
        params: PipelineIdParams,
        body: CreateBackfillBody,
        response: { 201: BackfillDetail, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { from, to, concurrency, params } = request.body;
      return reply.code(201).send(await runner.create({ pipelineId: request.params.id, from, to, concurrency, params }));
    },
  );

  app.get(
    '/backfills',
    {
      schema: {
        tags: ['backfills'],
        summary: 'List backfills',
        description: 'Newest first.',
        querystring: ListBackfillsQuery,
        response: { 200: ListBackfillsResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { pipeline, status, limit } = request.query;
      return { backfills: await runner.list({ limit, ...(pipeline ? { pipelineId: pipeline } : {}), ...(status && status.length > 0 ? { status } : {}) }) };
    },
  );

  app.get(
    '/backfills/:id',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Get a backfill',
        description: 'The backfill with each partition (its state follows its run) and the progress counts.',
        params: BackfillIdParams,
        response: { 200: BackfillDetail, ...errorResponses(404) },
      },
    },
    async (request) => runner.get(request.params.id),
  );

  app.post(
    '/backfills/:id/cancel',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Cancel a backfill',
        description: 'Cancels the running runs and marks the pending partitions cancelled. A backfill that already finished answers 409.',
        params: BackfillIdParams,
        response: { 200: BackfillDetail, ...errorResponses(404, 409) },
      },
    },
    async (request) => runner.cancel(request.params.id),
  );

  app.post(
    '/backfills/:id/resume',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Resume a backfill',
        description:
          'Runs the failed, cancelled and never-run partitions of a failed or cancelled backfill again; a partition whose run failed re-runs it from the failure. ' +
          'A running backfill whose driving process stopped is taken over; one still driven elsewhere, or a succeeded one, answers 409.',
        params: BackfillIdParams,
        response: { 202: BackfillDetail, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => reply.code(202).send(await runner.resume(request.params.id)),
  );
};
