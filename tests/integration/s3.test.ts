/**
 * S3 for real against s3rver: the S3 dataset storage (put, list, materialize with its cache,
 * delete, multipart uploads) and the file connector reading and writing `s3://` paths, plus the
 * connector contract on an S3 Parquet prefix. Each test works under a prefix of its own.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordBatch, WriteMode } from '../../src/connectors/connector.ts';
import { createConnectorContext } from '../../src/connectors/connector-context.ts';
import type { FileConfig } from '../../src/connectors/file/file-config.ts';
import { fileConnector } from '../../src/connectors/file/file-connector.ts';
import { isErrorCode } from '../../src/core/errors.ts';
import { createDatasetStorage } from '../../src/datasets/dataset-storage.ts';
import { S3DatasetStorage } from '../../src/datasets/s3-dataset-storage.ts';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { runConnectorContract } from '../contracts/connector-contract.ts';

// s3rver ships no types; this is the part of its API the tests use.
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const BUCKET = 'test-bucket';
let server: S3rverServer;
let endpoint: string;
let root: string;
let duck: DuckDb;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dd-s3-test-'));
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(root, 's3rver'), configureBuckets: [{ name: BUCKET }] });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  duck = await DuckDb.create({ threads: 2 });
});

afterAll(async () => {
  duck?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** s3rver's default credentials. */
const s3Options = () => ({ endpoint, region: 'us-east-1', access_key_id: 'S3RVER', secret_access_key: 'S3RVER' });
const uniquePrefix = () => `t-${randomUUID().slice(0, 8)}`;

function storageAt(prefix: string, options: { partSize?: number } = {}): S3DatasetStorage {
  return new S3DatasetStorage({
    bucket: BUCKET,
    prefix,
    endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    cacheDir: path.join(root, 'cache', prefix),
    ...options,
  });
}

async function localFile(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(root, 'local', randomUUID().slice(0, 8), name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

/** Uploads text files under `s3://test-bucket/<prefix>/`. */
async function upload(prefix: string, files: Record<string, string | Buffer>): Promise<void> {
  const storage = storageAt(prefix);
  for (const [key, content] of Object.entries(files)) await storage.put(await localFile(path.basename(key), content), key);
  storage.close();
}

async function scan(config: FileConfig): Promise<{ rows: RecordBatch; rejects: RecordBatch }> {
  const ctx = await createConnectorContext({ config });
  const session = await duck.session();
  try {
    const result = await fileConnector.scan!({ ...ctx, duck: session });
    const rows = await session.all(result.sql);
    const rejects = result.rejectsSql ? await session.all(result.rejectsSql) : [];
    await result.cleanup?.();
    return { rows, rejects };
  } finally {
    session.close();
    await ctx.dispose();
  }
}

async function copy(config: FileConfig, sql: string, mode: WriteMode = 'append'): Promise<number> {
  const ctx = await createConnectorContext({ config });
  const session = await duck.session();
  try {
    return (await fileConnector.copy!({ ...ctx, duck: session, sql, mode, columns: [] })).rowsWritten;
  } finally {
    session.close();
    await ctx.dispose();
  }
}

const byId = (rows: RecordBatch) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

describe('S3 dataset storage', () => {
  it('puts, lists, materializes and deletes objects under its prefix', async () => {
    const prefix = uniquePrefix();
    const storage = createDatasetStorage({
      home: path.join(root, 'home'),
      url: `s3://${BUCKET}/${prefix}/datasets`,
      endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    try {
      expect(storage.kind).toBe('s3');
      expect(storage.description).toBe(`s3://${BUCKET}/${prefix}/datasets/`);
      await storage.put(await localFile('a.parquet', 'aaaa'), 'orders/run-1/part-0.parquet');
      await storage.put(await localFile('b.parquet', 'bb'), 'orders/run-10/part-0.parquet');
      await storage.put(await localFile('c.parquet', 'c'), 'customers/run-1/part-0.parquet');
      expect(await storage.list('orders/run-1')).toEqual([{ key: 'orders/run-1/part-0.parquet', size: 4 }]);
      expect((await storage.list('')).map((o) => o.key)).toEqual(['customers/run-1/part-0.parquet', 'orders/run-1/part-0.parquet', 'orders/run-10/part-0.parquet']);
      const [local] = await storage.materialize(['orders/run-1/part-0.parquet']);
      expect(local?.startsWith(path.join(root, 'home', 'cache', 's3'))).toBe(true);
      expect(local?.endsWith('/orders/run-1/part-0.parquet')).toBe(true);
      expect(await readFile(local as string, 'utf8')).toBe('aaaa');
      expect(storage.url('orders/run-1/part-0.parquet')).toBe(`s3://${BUCKET}/${prefix}/datasets/orders/run-1/part-0.parquet`);
      await storage.delete('orders/run-1');
      expect((await storage.list('orders')).map((o) => o.key)).toEqual(['orders/run-10/part-0.parquet']);
      await expect(storage.materialize(['orders/run-1/part-0.parquet'])).rejects.toSatisfy((e) => isErrorCode(e, 'NOT_FOUND'));
      await storage.delete('');
      expect(await storage.list('')).toEqual([]);
    } finally {
      storage.close?.();
    }
  });

  it('reuses a cached download until the object changes', async () => {
    const storage = storageAt(uniquePrefix());
    try {
      await storage.put(await localFile('x.csv', 'id\n1\n'), 'x.csv');
      const [first] = await storage.materialize(['x.csv']);
      const [again] = await storage.materialize(['x.csv']);
      expect(again).toBe(first);
      await storage.put(await localFile('x.csv', 'id\n1\n2\n'), 'x.csv');
      const [changed] = await storage.materialize(['x.csv']);
      expect(changed).not.toBe(first);
      expect(await readFile(changed as string, 'utf8')).toBe('id\n1\n2\n');
    } finally {
      storage.close();
    }
  });

  it('uploads a large file in parts and a folder with its relative paths', async () => {
    const storage = storageAt(uniquePrefix(), { partSize: 5 * 1024 * 1024 });
    try {
      const big = Buffer.alloc(11 * 1024 * 1024 + 123, 7);
      await storage.put(await localFile('big.bin', big), 'big.bin');
      expect(await storage.list('big.bin')).toEqual([{ key: 'big.bin', size: big.length }]);
      const [local] = await storage.materialize(['big.bin']);
      expect((await readFile(local as string)).equals(big)).toBe(true);

      const dir = path.dirname(await localFile('day=1/a.parquet', 'a'));
      await writeFile(path.join(dir, 'b.parquet'), 'b');
      expect(await storage.putDirectory(dir, 'ds')).toEqual(['ds/a.parquet', 'ds/b.parquet']);
      expect((await storage.list('', { depth: 1 })).map((o) => o.key)).toEqual(['big.bin']);
      expect((await storage.list('ds', { depth: 1 })).map((o) => o.key)).toEqual(['ds/a.parquet', 'ds/b.parquet']);
    } finally {
      storage.close();
    }
  });

  it('reports a missing bucket as NOT_FOUND', async () => {
    const storage = new S3DatasetStorage({ bucket: 'no-such-bucket', endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', cacheDir: root });
    await expect(storage.checkAccess()).rejects.toSatisfy((e) => isErrorCode(e, 'NOT_FOUND'));
    storage.close();
  });
});

describe('file connector on S3', () => {
  it('reads NDJSON from s3://bucket/prefix/*.json, with bad lines as rejects named by URL and line', async () => {
    const prefix = uniquePrefix();
    await upload(prefix, {
      'a.json': '{"id":1,"name":"ada"}\n{"id":2,"name":"grace"}\n',
      'b.json': '{"id":3,"name":"linus"}\n{"id":4,\n',
      'notes.txt': 'not matched',
    });
    const { rows, rejects } = await scan({ path: `s3://${BUCKET}/${prefix}/*.json`, format: 'ndjson', s3: s3Options() });
    expect(byId(rows)).toEqual([{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }, { id: 3, name: 'linus' }]);
    expect(rejects).toEqual([{ raw: '{"id":4,', reason: 'invalid JSON', source: `s3://${BUCKET}/${prefix}/b.json:2` }]);
  });

  it('reads CSV (plain and gzip) and Parquet from S3', async () => {
    const prefix = uniquePrefix();
    await upload(prefix, { 'csv/a.csv': 'id;city\n1;paris\n', 'csv/b.csv.gz': gzipSync('id;city\n2;oslo\n') });
    const csv = await scan({ path: `s3://${BUCKET}/${prefix}/csv/*.csv*`, format: 'csv', csv: { delimiter: ';' }, s3: s3Options() });
    expect(byId(csv.rows)).toEqual([{ id: 1, city: 'paris' }, { id: 2, city: 'oslo' }]);

    const parquet = path.join(root, `${prefix}.parquet`);
    const session = await duck.session();
    await session.run(`COPY (SELECT range AS id FROM range(10)) TO '${parquet}' (FORMAT parquet)`);
    session.close();
    const storage = storageAt(prefix);
    await storage.put(parquet, 'data/part-0.parquet');
    storage.close();
    const { rows } = await scan({ path: `s3://${BUCKET}/${prefix}/data/`, s3: s3Options() });
    expect(rows).toHaveLength(10);
  });

  it('writes partitioned Parquet to S3 and reads it back with the partition column', async () => {
    const prefix = uniquePrefix();
    const config: FileConfig = { path: `s3://${BUCKET}/${prefix}/sales/`, format: 'parquet', partition_by: ['country'], s3: s3Options() };
    const sql = "SELECT * FROM (VALUES (1, 'FR', 10.0), (2, 'US', 20.0), (3, 'FR', 30.0)) AS t(id, country, amount)";
    expect(await copy(config, sql)).toBe(3);
    const storage = storageAt(`${prefix}/sales`);
    const keys = (await storage.list('')).map((o) => o.key);
    expect(keys.map((k) => k.split('/')[0])).toEqual(['country=FR', 'country=US']);
    expect(keys.every((k) => /^country=\w+\/part-.*\.parquet$/.test(k))).toBe(true);
    expect(byId((await scan(config)).rows)).toEqual([
      { id: 1, amount: 10, country: 'FR' },
      { id: 2, amount: 20, country: 'US' },
      { id: 3, amount: 30, country: 'FR' },
    ]);

    expect(await copy(config, "SELECT 9 AS id, 'JP' AS country, 9.0 AS amount", 'overwrite')).toBe(1);
    expect((await storage.list('')).map((o) => o.key.split('/')[0])).toEqual(['country=JP']);
    storage.close();
  });

  it('tests that the bucket is reachable, and fails for a missing one', async () => {
    const ok = await createConnectorContext({ config: { path: `s3://${BUCKET}/${uniquePrefix()}/`, s3: s3Options() } });
    await expect(fileConnector.test(ok)).resolves.toMatchObject({ ok: true, message: expect.stringContaining(`bucket ${BUCKET} is reachable`) });
    const missing = await createConnectorContext({ config: { path: 's3://no-such-bucket/x/', s3: s3Options() } });
    await expect(fileConnector.test(missing)).rejects.toSatisfy((e) => isErrorCode(e, 'NOT_FOUND'));
    await ok.dispose();
    await missing.dispose();
  });
});

runConnectorContract({
  name: 'file (S3 Parquet prefix)',
  connector: fileConnector,
  upsert: false,
  config: () => ({ path: `s3://${BUCKET}/${uniquePrefix()}/table/`, format: 'parquet' as const, s3: s3Options() }),
});
