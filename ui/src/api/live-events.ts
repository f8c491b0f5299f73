/**
 * Live updates: one EventSource on GET /api/v1/events per page, filtered by run or pipeline.
 * Each event patches the cached run at once (a task's colour changes without a fetch) and
 * invalidates the queries it makes stale, batched so that a burst of events from a DAG of a
 * thousand tasks costs a handful of refetches. Pages also get the raw events (task logs).
 *
 * When the stream is unavailable (an older server, a proxy that buffers), the state says so
 * and the query hooks poll instead; the stream is tried again every little while.
 */
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { apiUrl } from './api-client.ts';
import { EVENT_NAMES, type EventName, type PlatformEvent, type Run, type RunDetail, type TaskStatus } from './types.ts';

export type LiveState = 'connecting' | 'live' | 'unavailable';

export interface LiveFilter {
  run?: string;
  pipeline?: string;
}

export interface LiveEvents {
  state: LiveState;
  /** Calls `listener` with every event of this page's stream; returns the unsubscribe function. */
  subscribe(listener: (event: PlatformEvent) => void): () => void;
}

/** Delay that gathers the invalidations of a burst of events into one refetch per query. */
const FLUSH_MS = 250;
/** Wait before trying a stream again after the server refused it. */
const RETRY_MS = 10_000;

/** Collects query keys and invalidates them together after a short delay. */
class InvalidationBatch {
  private readonly keys = new Map<string, QueryKey>();
  private timer: number | undefined;

  constructor(private readonly client: QueryClient) {}

  add(...keys: QueryKey[]): void {
    for (const key of keys) this.keys.set(JSON.stringify(key), key);
    this.timer ??= window.setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
    const keys = [...this.keys.values()];
    this.keys.clear();
    for (const queryKey of keys) void this.client.invalidateQueries({ queryKey });
  }

  dispose(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
    this.keys.clear();
  }
}

function parseEvent(type: EventName, message: MessageEvent<string>): PlatformEvent | null {
  try {
    const data = JSON.parse(message.data) as Record<string, unknown>;
    const seq = Number(message.lastEventId);
    return { ...data, type: (typeof data.type === 'string' && data.type.includes('.') ? data.type : type) as EventName, seq: Number.isFinite(seq) ? seq : null };
  } catch {
    return null;
  }
}

/** Applies an event to the cache: patches what it can now, invalidates what it makes stale. */
function applyEvent(client: QueryClient, batch: InvalidationBatch, event: PlatformEvent): void {
  const { runId, pipelineId } = event;
  switch (event.type) {
    case 'task.status': {
      if (!runId || !event.taskId) return;
      const status = event.status as TaskStatus;
      let patched = false;
      client.setQueryData<RunDetail>(['run', runId], (old) => {
        if (!old) return old;
        const tasks = old.tasks.map((task) => {
          if (task.taskId !== event.taskId) return task;
          patched = true;
          return { ...task, status, attempts: Math.max(task.attempts, event.attempt ?? 0), error: event.error ?? task.error };
        });
        return patched ? { ...old, tasks } : old;
      });
      batch.add(['run', runId]);
      if (status === 'succeeded') batch.add(['datasets'], ['dataset']);
      return;
    }
    case 'run.status': {
      if (!runId) return;
      const status = event.status as Run['status'];
      client.setQueryData<RunDetail>(['run', runId], (old) => (old ? { ...old, run: { ...old.run, status } } : old));
      batch.add(['run', runId], ['runs'], ['pipelines'], ['metrics']);
      if (status === 'succeeded' || status === 'failed') batch.add(['datasets'], ['dataset']);
      return;
    }
    case 'pipeline.saved':
      batch.add(['pipelines'], ['schedules'], ...(pipelineId ? [['pipeline', pipelineId]] : []));
      return;
    case 'task.log':
      return;
  }
}

/**
 * Opens this page's event stream.
 * @example
 * const live = useLiveEvents({ run: runId });
 * useRunDetail(runId, live.state !== 'live');
 */
export function useLiveEvents(filter: LiveFilter): LiveEvents {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const listeners = useRef(new Set<(event: PlatformEvent) => void>());
  const { run, pipeline } = filter;

  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setState('unavailable');
      return;
    }
    const batch = new InvalidationBatch(client);
    let source: EventSource | null = null;
    let retry: number | undefined;
    let stopped = false;

    const open = (): void => {
      setState('connecting');
      source = new EventSource(apiUrl('/events', { run, pipeline }));
      source.onopen = () => {
        setState('live');
        // Whatever happened before the stream opened (or while it was down) is fetched once.
        batch.add(...(run ? [['run', run]] : []), ['runs'], ['pipelines'], ['metrics']);
      };
      source.onerror = () => {
        if (!source || stopped) return;
        if (source.readyState === EventSource.CLOSED) {
          setState('unavailable');
          source.close();
          retry = window.setTimeout(open, RETRY_MS);
        } else {
          setState('connecting');
        }
      };
      const handle = (type: EventName) => (message: MessageEvent<string>) => {
        const event = parseEvent(type, message);
        if (!event) return;
        applyEvent(client, batch, event);
        for (const listener of listeners.current) listener(event);
      };
      for (const name of EVENT_NAMES) source.addEventListener(name, handle(name) as EventListener);
    };
    open();

    return () => {
      stopped = true;
      if (retry !== undefined) window.clearTimeout(retry);
      source?.close();
      batch.dispose();
    };
  }, [client, run, pipeline]);

  return useMemo(
    () => ({
      state,
      subscribe: (listener: (event: PlatformEvent) => void) => {
        listeners.current.add(listener);
        return () => void listeners.current.delete(listener);
      },
    }),
    [state],
  );
}
