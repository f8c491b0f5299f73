/**
 * Contracts of the live event stream (GET /api/v1/events) and of followed logs. Status events
 * are persisted with an increasing `seq` (the SSE `id`), so a client that reconnects with
 * Last-Event-ID misses nothing; log lines and pipeline saves are live only.
 */
import { z } from 'zod';
import type { PlatformEventName } from '../../core/event-bus.ts';
import { queryInt } from '../schemas.ts';

/** Every event type the stream carries, as the bus names them. */
export const STREAM_EVENT_TYPES = ['run.status', 'task.status', 'task.log', 'pipeline.saved'] as const;
export type StreamEventType = (typeof STREAM_EVENT_TYPES)[number];

/** The event types the store keeps (with a seq), which a reconnecting client gets again. */
export const PERSISTED_EVENT_TYPES: ReadonlySet<StreamEventType> = new Set(['run.status', 'task.status']);

const typeList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(STREAM_EVENT_TYPES)).min(1, 'name at least one event type'))
  .describe(`Comma-separated event types: ${STREAM_EVENT_TYPES.join(', ')} (default: all)`);

/** An event id (seq) in a query string or a Last-Event-ID header. */
const seq = queryInt(0, Number.MAX_SAFE_INTEGER);

export const EventsQuery = z.object({
  run: z.string().min(1).optional().describe('Only events of this run'),
  pipeline: z.string().min(1).optional().describe('Only events of this pipeline'),
  types: typeList.optional(),
  since: seq.optional().describe('Replay the persisted events after this id first (as the Last-Event-ID header does, which wins)'),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

/** Request headers of a stream; loose, so the other headers stay as they are. */
export const StreamHeaders = z.looseObject({
  'last-event-id': seq.optional().describe('The id of the last event received: the stream resumes after it'),
});
export type StreamHeaders = z.infer<typeof StreamHeaders>;

/** The media type entry of a stream in the OpenAPI document: events as text. */
export const eventStreamContent = {
  'text/event-stream': { schema: z.string().describe('Server-Sent Events: `id:`, `event:` and `data:` (JSON) lines') },
};

/** The response of a route that only streams. */
export function eventStreamResponse(description: string) {
  return { description, content: eventStreamContent };
}

// Fails to compile when the bus gains or loses an event type the stream should know.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesMatchBus: Same<StreamEventType, PlatformEventName> = true;
void typesMatchBus;
