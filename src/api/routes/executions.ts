/**
 * Executions (runs): list with filters and a cursor, status with every task run and attempt,
 * task logs to page and follow, cancel, and re-run from failure.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import type { Platform } from '../../platform.ts';
import { ListRunsQuery, ListRunsResponse, LogsQuery, LogsResponse, RunDetail, RunIdParams, RunResponse, errorResponses } from '../schemas.ts';

export interface ExecutionRoutesOptions {
  platform: Platform;
}

/** Registers the /executions routes. */
export const executionRoutes: FastifyPluginAsyncZod<ExecutionRoutesOptions> = async (app, { platform }) => {
  const { store } = platform;

  app.get(
    '/executions',
    {
      schema: {
        tags: ['executions'],
        summary: 'List runs',
        description: 'Newest first. Pass `nextCursor` back as `before` for the next page.',
        querystring: ListRunsQuery,
        response: { 200: ListRunsResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { pipeline, status, limit, before } = request.query;
      // A typo in a pipeline id should say so rather than look like a pipeline that never ran.
      if (pipeline !== undefined && !(await store.getPipeline(pipeline))) throw new NotFoundError('pipeline', pipeline);
      // One extra row tells whether another page exists without a count query.
      const rows = await store.listRuns({
        limit: limit + 1,
        ...(pipeline !== undefined ? { pipelineId: pipeline } : {}),
        ...(status !== undefined && status.length > 0 ? { status } : {}),
        ...(before !== undefined ? { beforeRunId: before } : {}),
      });
      const runs = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? (runs[runs.length - 1]?.id ?? null) : null;
      return { runs, nextCursor };
    },
  );

  app.get(
    '/executions/:id/status',
    {
      schema: {
        tags: ['executions'],
        summary: 'Get the status of a run',
        description: 'The run with its task runs and every attempt of each.',
        params: RunIdParams,
        response: { 200: RunDetail, ...errorResponses(404) },
      },
    },
    async (request) => platform.getRunDetail(request.params.id),
  );

  app.get(
    '/executions/:id/logs',
    {
      schema: {
        tags: ['executions'],
        summary: 'Read the task logs of a run',
        description: 'Lines in order, optionally of one task and attempt. To follow, pass the returned `nextAfter` as `after`.',
        params: RunIdParams,
        querystring: LogsQuery,
        response: { 200: LogsResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const runId = request.params.id;
      if (!(await store.getRun(runId))) throw new NotFoundError('run', runId);
      const { task, attempt, after, limit } = request.query;
      const logs = await store.getLogs({
        runId,
        limit,
        ...(task !== undefined ? { taskId: task } : {}),
        ...(attempt !== undefined ? { attempt } : {}),
        ...(after !== undefined ? { afterId: after } : {}),
      });
      return { logs, nextAfter: logs.length > 0 ? (logs[logs.length - 1]?.id ?? 0) : (after ?? 0) };
    },
  );

  app.post(
    '/executions/:id/cancel',
    {
      schema: {
        tags: ['executions'],
        summary: 'Cancel a run',
        description: 'Stops running tasks and cancels the rest. A run that already finished answers 409.',
        params: RunIdParams,
        response: { 200: RunResponse, ...errorResponses(404, 409) },
      },
    },
    async (request) => ({ run: await platform.cancelRun(request.params.id) }),
  );

  app.post(
    '/executions/:id/rerun',
    {
      schema: {
        tags: ['executions'],
        summary: 'Re-run a run from its failure',
        description: 'Starts a new run with the same params that reuses every task that succeeded and runs the rest. Only for failed or cancelled runs (else 409).',
        params: RunIdParams,
        response: { 202: RunResponse, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => reply.code(202).send({ run: await platform.rerunFromFailure(request.params.id) }),
  );
};
