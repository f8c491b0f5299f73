/**
 * Reads a Server-Sent Events body as it arrives, for clients that use fetch rather than
 * EventSource (Node, or a browser that must send headers). Follows the parsing rules of the
 * HTML standard: `data:` lines join with newlines, comments (`:`) are skipped, any of CRLF, LF
 * or CR ends a line, and a blank line dispatches the event.
 */

/** One event of the stream, its data still text. */
export interface SseEvent {
  /** The `id:` of this event, null when it had none. */
  id: string | null;
  /** The `event:` name, `message` when it had none. */
  event: string;
  data: string;
}

/**
 * Yields the events of a stream until it ends. Stop early with `break`: the body is cancelled.
 * @example
 * const response = await fetch(`${base}/api/v1/events`);
 * for await (const event of readSse(response.body!)) console.log(event.event, JSON.parse(event.data));
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event: { id: string | null; name: string; data: string[] } = { id: null, name: '', data: [] };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: RegExpExecArray | null;
      // A lone CR at the end of the buffer may be the first half of a CRLF: wait for more.
      while ((end = /\r\n|\n|\r(?!$)/.exec(buffer)) !== null) {
        const line = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        if (line === '') {
          if (event.data.length > 0) yield { id: event.id, event: event.name || 'message', data: event.data.join('\n') };
          event = { id: null, name: '', data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let text = colon === -1 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'data') event.data.push(text);
        else if (field === 'event') event.name = text;
        else if (field === 'id' && !text.includes('\0')) event.id = text;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
