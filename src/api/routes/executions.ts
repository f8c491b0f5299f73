/**
 * Executions (runs): list with filters and a cursor, status with every task run and attempt,
 * task logs to page and follow (JSON pages, or a live event stream), cancel, and re-run from
 * failure.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import { isTerminalRunStatus } from '../../core/statuses.ts';
import type { Platform } from '../../platform.ts';
import type { LogFilter, Store } from '../../store/store.ts';
import { listRunPage } from '../run-page.ts';
import { ListRunsQuery, ListRunsResponse, LogsQuery, LogsResponse, RunDetail, RunIdParams, RunResponse, errorResponses } from '../schemas.ts';
import { StreamHeaders, eventStreamContent } from '../schemas/events.ts';
import { sleepUnlessAborted, sseStreams, type SseStream } from '../sse-stream.ts';

export interface ExecutionRoutesOptions {
  platform: Platform;
  /** How often a followed log is read for new lines (default 250 ms). */
  pollMs?: number;
}

/** Lines read per store query while following. */
const FOLLOW_PAGE = 1000;

/** Registers the /executions routes. */
export const executionRoutes: FastifyPluginAsyncZod<ExecutionRoutesOptions> = async (app, { platform, pollMs = 250 }) => {
  const { store } = platform;
  const openStream = sseStreams(app as unknown as FastifyInstance);

  app.get(
    '/executions',
    {
      schema: {
        tags: ['executions'],
        summary: 'List runs',
        description: 'Newest first, optionally within a time range of creation (`since`, `until`). Pass `nextCursor` back as `before` for the next page.',
        querystring: ListRunsQuery,
        response: { 200: ListRunsResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { pipeline, ...query } = request.query;
      // A typo in a pipeline id should say so rather than look like a pipeline that never ran.
      if (pipeline !== undefined && !(await store.getPipeline(pipeline))) throw new NotFoundError('pipeline', pipeline);
      return listRunPage(store, { ...query, pipelineId: pipeline });
    },
  );

  app.get(
    '/executions/:id',
    {
      schema: {
        tags: ['executions'],
        summary: 'Get a run',
        description: 'The run with its task runs and every attempt of each (the same as `/executions/{id}/status`).',
        params: RunIdParams,
        response: { 200: RunDetail, ...errorResponses(404) },
      },
    },
    async (request) => platform.getRunDetail(request.params.id),
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
        description:
          'Lines in order, optionally of one task and attempt. To page, pass the returned `nextAfter` as `after`. ' +
          'With `follow=true` the answer is an event stream instead: a `log` event per line (`id` = line id, so Last-Event-ID resumes), ' +
          'live until the run has finished and its last line is sent, then one `end` event with the run status.',
        params: RunIdParams,
        querystring: LogsQuery,
        headers: StreamHeaders,
        response: {
          200: {
            description: 'A page of lines, or with `follow=true` an event stream of them',
            content: { 'application/json': { schema: LogsResponse }, ...eventStreamContent },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const runId = request.params.id;
      if (!(await store.getRun(runId))) throw new NotFoundError('run', runId);
      const { task, attempt, after, limit, follow } = request.query;
      const filter: LogFilter = { runId, ...(task !== undefined ? { taskId: task } : {}), ...(attempt !== undefined ? { attempt } : {}) };
      if (follow === 'true') {
        const stream = openStream(reply);
        void followLogs(store, filter, stream, request.headers['last-event-id'] ?? after ?? 0, pollMs).catch((error: unknown) => {
          // A store closed under a stream that was ending anyway (server shutdown) is no fault.
          if (!stream.closed) request.log.error({ err: error }, 'log stream failed');
          stream.close();
        });
        return reply;
      }
      const logs = await store.getLogs({ ...filter, limit, ...(after !== undefined ? { afterId: after } : {}) });
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

/**
 * Sends a run's log lines after `afterId` until the run is over. The run status is read before
 * the lines: a run already finished then has all its lines in the store, so the last read
 * before `end` cannot miss one.
 */
async function followLogs(store: Store, filter: LogFilter, stream: SseStream, afterId: number, pollMs: number): Promise<void> {
  let cursor = afterId;
  while (!stream.closed) {
    const run = await store.getRun(filter.runId);
    const finished = run === undefined || isTerminalRunStatus(run.status);
    let page;
    do {
      page = await store.getLogs({ ...filter, afterId: cursor, limit: FOLLOW_PAGE });
      for (const line of page) {
        cursor = line.id;
        stream.send({ id: line.id, event: 'log', data: line });
      }
      await stream.drained();
    } while (page.length === FOLLOW_PAGE && !stream.closed);
    if (finished) {
      stream.send({ event: 'end', data: { runId: filter.runId, status: run?.status ?? null } });
      stream.close();
      return;
    }
    await sleepUnlessAborted(pollMs, stream.signal);
  }
}
