/**
 * GET /api/v1/events: the platform's events as Server-Sent Events, for the UI and `curl -N`.
 *
 * Run and task status events come from the store's event log, not from the bus: the engine
 * persists them with an increasing seq (sent as the SSE `id`), possibly from another process,
 * and only the store knows that order. So the route replays what follows the client's
 * Last-Event-ID, then polls the log for what is new; resuming from any id gives every later
 * event exactly once. Log lines and pipeline saves are not in the log: they go straight from
 * the bus to the client, without an id, and a reconnecting client does not get them again.
 */
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import type { EventBus } from '../../core/event-bus.ts';
import type { Platform } from '../../platform.ts';
import { errorResponses } from '../schemas.ts';
import { EventsQuery, PERSISTED_EVENT_TYPES, STREAM_EVENT_TYPES, StreamHeaders, eventStreamResponse, type StreamEventType } from '../schemas/events.ts';
import { sleepUnlessAborted, sseStreams, type SseStream } from '../sse-stream.ts';

export interface EventRoutesOptions {
  platform: Platform;
  /** How often the event log is read for new events (default 250 ms). */
  pollMs?: number;
  /** Events read per store query while catching up. */
  pageSize?: number;
}

/** Which events a client asked for. */
interface EventSelection {
  runId?: string | undefined;
  pipelineId?: string | undefined;
  types: ReadonlySet<StreamEventType>;
}

/** Registers GET /events. */
export const eventRoutes: FastifyPluginAsyncZod<EventRoutesOptions> = async (app, { platform, pollMs = 250, pageSize = 500 }) => {
  const { store, bus } = platform;
  const openStream = sseStreams(app as unknown as FastifyInstance);

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Stream platform events (SSE)',
        description:
          'Server-Sent Events: `run.status` and `task.status` (with an `id`, replayed after `Last-Event-ID` or `since` on reconnect), ' +
          '`task.log` and `pipeline.saved` (live only, no `id`). `data` is the event as JSON. A comment line every 15 s keeps the connection open.',
        querystring: EventsQuery,
        headers: StreamHeaders,
        response: { 200: eventStreamResponse('The event stream'), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { run, pipeline, types, since } = request.query;
      if (run !== undefined && !(await store.getRun(run))) throw new NotFoundError('run', run);
      if (pipeline !== undefined && !(await store.getPipeline(pipeline))) throw new NotFoundError('pipeline', pipeline);
      const selection: EventSelection = { runId: run, pipelineId: pipeline, types: new Set(types ?? STREAM_EVENT_TYPES) };
      const resumeAfter = request.headers['last-event-id'] ?? since;
      // Read before the stream opens: a fresh client starts after what already happened.
      const start = resumeAfter ?? (await store.lastEventSeq());

      const stream = openStream(reply);
      const stopLive = forwardLiveEvents(bus, selection, stream);
      stream.signal.addEventListener('abort', stopLive, { once: true });
      void followEventLog(platform, selection, stream, start, { pollMs, pageSize }).catch((error: unknown) => {
        // A store closed under a stream that was ending anyway (server shutdown) is no fault.
        if (!stream.closed) request.log.error({ err: error }, 'event stream failed');
        stream.close();
      });
    },
  );
};

/** Sends the persisted events after `seq`, then keeps polling for new ones until the stream ends. */
async function followEventLog(
  platform: Platform,
  selection: EventSelection,
  stream: SseStream,
  seq: number,
  options: { pollMs: number; pageSize: number },
): Promise<void> {
  if (![...selection.types].some((type) => PERSISTED_EVENT_TYPES.has(type))) return;
  let cursor = seq;
  while (!stream.closed) {
    const page = await platform.store.listEvents({
      afterSeq: cursor,
      limit: options.pageSize,
      ...(selection.runId !== undefined ? { runId: selection.runId } : {}),
      ...(selection.pipelineId !== undefined ? { pipelineId: selection.pipelineId } : {}),
    });
    for (const event of page) {
      cursor = event.seq;
      if (selection.types.has(event.type as StreamEventType)) stream.send({ id: event.seq, event: event.type, data: event.payload });
    }
    await stream.drained();
    // A full page means more are waiting: read on without sleeping.
    if (page.length < options.pageSize) await sleepUnlessAborted(options.pollMs, stream.signal);
  }
}

/** Sends the bus events that are never persisted; returns the unsubscribe function. */
function forwardLiveEvents(bus: EventBus, selection: EventSelection, stream: SseStream): () => void {
  const stops: Array<() => void> = [];
  if (selection.types.has('task.log')) {
    stops.push(
      bus.on('task.log', (event) => {
        if (matches(selection, event.runId, event.pipelineId)) stream.send({ event: 'task.log', data: event });
      }),
    );
  }
  if (selection.types.has('pipeline.saved')) {
    stops.push(
      bus.on('pipeline.saved', (event) => {
        if (selection.runId === undefined && matches(selection, undefined, event.pipelineId)) stream.send({ event: 'pipeline.saved', data: event });
      }),
    );
  }
  return () => {
    for (const stop of stops) stop();
  };
}

function matches(selection: EventSelection, runId: string | undefined, pipelineId: string): boolean {
  return (selection.runId === undefined || selection.runId === runId) && (selection.pipelineId === undefined || selection.pipelineId === pipelineId);
}
