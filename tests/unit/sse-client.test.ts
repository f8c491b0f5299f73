import { describe, expect, it } from 'vitest';
import { readSse } from '../../src/api/sse-client.ts';

/** A body that arrives in the given pieces. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>) {
  const out = [];
  for await (const event of readSse(stream)) out.push(event);
  return out;
}

describe('readSse', () => {
  it('reads ids, names and data, skipping comments and the retry field', async () => {
    expect(await all(body('retry: 2000\n\n: ping\n\nid: 7\nevent: run.status\ndata: {"a":1}\n\ndata: plain\n\n'))).toEqual([
      { id: '7', event: 'run.status', data: '{"a":1}' },
      { id: null, event: 'message', data: 'plain' },
    ]);
  });

  it('joins data lines and accepts CRLF and CR line ends, even split across chunks', async () => {
    expect(await all(body('data: one\r', '\ndata: two\rdata:three\r\n\r', '\n'))).toEqual([{ id: null, event: 'message', data: 'one\ntwo\nthree' }]);
  });

  it('drops an event the stream ended in the middle of', async () => {
    expect(await all(body('id: 1\ndata: whole\n\nid: 2\ndata: cut'))).toEqual([{ id: '1', event: 'message', data: 'whole' }]);
  });
});
