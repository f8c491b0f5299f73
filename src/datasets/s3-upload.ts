/**
 * Uploads a local file to S3 from a stream, in one PutObject when small and as a multipart
 * upload when large (one PutObject is capped at 5 GiB, and a failed part is retried alone).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3's smallest part (all but the last). */
const MIN_PART_SIZE = 5 * 1024 * 1024;
/** S3's largest number of parts per upload. */
const MAX_PARTS = 10_000;

export interface UploadFileOptions {
  client: S3Client;
  bucket: string;
  key: string;
  file: string;
  /** Files larger than this are sent in parts of this size (default 64 MiB, at least 5 MiB). */
  partSize?: number;
  signal?: AbortSignal;
}

/** Streams `file` to `s3://bucket/key`, replacing any object there. */
export async function uploadFile(options: UploadFileOptions): Promise<void> {
  const { client, bucket, key, file, signal } = options;
  const size = (await stat(file)).size;
  let partSize = Math.max(options.partSize ?? 64 * 1024 * 1024, MIN_PART_SIZE);
  if (size <= partSize) {
    // ContentLength lets the SDK stream the body instead of buffering it to learn its length.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: size }), { abortSignal: signal });
    return;
  }
  partSize = Math.max(partSize, Math.ceil(size / MAX_PARTS));
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  try {
    const parts: CompletedPart[] = [];
    for (let start = 0, number = 1; start < size; start += partSize, number++) {
      const end = Math.min(start + partSize, size);
      const body = createReadStream(file, { start, end: end - 1 });
      const { ETag } = await client.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: number, Body: body, ContentLength: end - start }),
        { abortSignal: signal },
      );
      parts.push({ PartNumber: number, ETag });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal });
  } catch (error) {
    // Left alone, the uploaded parts would be billed until a lifecycle rule removes them.
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
}
