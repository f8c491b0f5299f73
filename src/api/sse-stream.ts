/**
 * Server-Sent Events over a fastify reply. The reply is hijacked, so fastify neither
 * serialises nor ends it: the route writes events until the client goes away, the route ends
 * the stream, or the server closes (every open stream is ended first, else `close()` would
 * wait forever on connections that never go idle).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

/** One event as the client's EventSource sees it. */
export interface SseMessage {
  /** Sent as `id:`; the browser sends the last one back as Last-Event-ID on reconnect. Omit for events that cannot be replayed. */
  id?: number | string;
  /** Sent as `event:`; listeners subscribe by it. */
  event?: string;
  /** Sent as JSON on one `data:` line. */
  data: unknown;
}

export interface SseOptions {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** How long a browser waits before reconnecting after the stream drops (default 2 s). */
  retryMs?: number;
}

/**
 * An open event stream. `signal` aborts when the client disconnects or the stream is closed,
 * so a route's polling loop can stop and its bus listeners can be removed.
 */
export class SseStream {
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly reply: FastifyReply,
    options: SseOptions = {},
  ) {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses by default, which would hold events back.
      'x-accel-buffering': 'no',
    });
    // The retry line also flushes the headers, so a client's fetch resolves at once.
    raw.write(`retry: ${options.retryMs ?? 2000}\n\n`);
    this.heartbeat = setInterval(() => this.comment('ping'), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
    raw.once('close', () => this.close());
  }

  /** Aborted once the stream is over, whoever ended it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Writes one event; a no-op once closed. */
  send(message: SseMessage): void {
    if (this.closed) return;
    let text = '';
    if (message.id !== undefined) text += `id: ${message.id}\n`;
    if (message.event !== undefined) text += `event: ${message.event}\n`;
    // JSON has no raw newlines, so one data line always holds the whole payload.
    text += `data: ${JSON.stringify(message.data ?? null)}\n\n`;
    this.reply.raw.write(text);
  }

  /** Writes a comment line, which clients ignore. */
  comment(text: string): void {
    if (this.closed) return;
    this.reply.raw.write(`: ${text.replace(/\n/g, ' ')}\n\n`);
  }

  /**
   * Resolves when the socket buffer has room again (or at once), so a producer that waits here
   * cannot queue unbounded output for a slow client.
   */
  drained(): Promise<void> {
    const raw = this.reply.raw;
    if (this.closed || !raw.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        raw.off('drain', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      raw.once('drain', done);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the stream (idempotent). */
  close(): void {
    if (this.closed) return;
    clearInterval(this.heartbeat);
    this.controller.abort();
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
  }
}

/**
 * Gives a plugin's routes a way to open streams and ends those still open when the server
 * closes. Call it while the plugin registers (hooks cannot be added once the server is ready).
 * @example
 * const openStream = sseStreams(app);
 * app.get('/events', async (_request, reply) => { const stream = openStream(reply); stream.send({ data: 1 }); });
 */
export function sseStreams(app: FastifyInstance, options: SseOptions = {}): (reply: FastifyReply) => SseStream {
  const open = new Set<SseStream>();
  app.addHook('preClose', (done) => {
    for (const stream of open) stream.close();
    done();
  });
  return (reply) => {
    const stream = new SseStream(reply, options);
    open.add(stream);
    stream.signal.addEventListener('abort', () => open.delete(stream), { once: true });
    return stream;
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (a polling loop's sleep). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
