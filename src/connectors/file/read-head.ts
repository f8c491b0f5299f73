/**
 * The first bytes of a file, decompressed when it is gzip: enough to tell NDJSON from a JSON
 * document, or to sniff a CSV dialect away from a truncated last line.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** Up to `maxBytes` of the file's (decompressed) content, and whether that is all of it. */
export async function readHead(file: string, gzip: boolean, maxBytes: number): Promise<{ head: Buffer; complete: boolean }> {
  const raw = createReadStream(file, gzip ? {} : { end: maxBytes });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = true;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        complete = false;
        break;
      }
    }
  } catch {
    // A corrupt gzip stream: the reader that runs next reports it properly.
  } finally {
    raw.destroy();
    stream.destroy();
  }
  return { head: Buffer.concat(chunks).subarray(0, maxBytes), complete };
}
