/**
 * The file connector on real files: every format DuckDB reads, gzip, globs, partitioned and
 * appending writes, and the bad files a pipeline meets (truncated, mixed types, broken JSON
 * lines, empty files), plus the connector contract on a local Parquet folder.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordBatch, WriteMode } from '../../src/connectors/connector.ts';
import { createConnectorContext } from '../../src/connectors/connector-context.ts';
import type { FileConfig } from '../../src/connectors/file/file-config.ts';
import { fileConnector } from '../../src/connectors/file/file-connector.ts';
import { isErrorCode } from '../../src/core/errors.ts';
import { LocalDatasetStorage } from '../../src/datasets/local-dataset-storage.ts';
import { createDatasetStorage } from '../../src/datasets/dataset-storage.ts';
import { DuckDb } from '../../src/engine/duckdb.ts';
import { runConnectorContract } from '../contracts/connector-contract.ts';

let root: string;
let duck: DuckDb;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dd-file-connector-'));
  duck = await DuckDb.create({ threads: 2 });
});

afterAll(async () => {
  duck?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A fresh folder for one test. */
async function folder(): Promise<string> {
  const dir = path.join(root, randomUUID().slice(0, 8));
  await mkdir(dir, { recursive: true });
  return dir;
}

async function write(dir: string, name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

interface ScanOutput {
  rows: RecordBatch;
  rejects: RecordBatch;
  types: Record<string, string>;
}

/** Scans a config the way the data plane does: rows, then rejects, then cleanup. */
async function scan(config: FileConfig, params: Record<string, unknown> = {}): Promise<ScanOutput> {
  const ctx = await createConnectorContext({ config, baseDir: root, params });
  const session = await duck.session();
  try {
    const result = await fileConnector.scan!({ ...ctx, duck: session });
    const described = await session.describe(result.sql);
    const rows = await session.all(result.sql);
    const rejects = result.rejectsSql ? await session.all(result.rejectsSql) : [];
    await result.cleanup?.();
    // Cleanup drops the scan's temp tables from the session it was given.
    expect(await session.all("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'dd_%'")).toEqual([]);
    return { rows, rejects, types: Object.fromEntries(described.map((c) => [c.name, c.type])) };
  } finally {
    session.close();
    await ctx.dispose();
  }
}

/** Writes the rows of a SELECT through the connector's `copy`. */
async function copy(config: FileConfig, sql: string, mode: WriteMode = 'append'): Promise<number> {
  const ctx = await createConnectorContext({ config, baseDir: root });
  const session = await duck.session();
  try {
    const columns = (await session.describe(sql)).map((c) => ({ name: c.name, type: c.type }));
    return (await fileConnector.copy!({ ...ctx, duck: session, sql, mode, columns })).rowsWritten;
  } finally {
    session.close();
    await ctx.dispose();
  }
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

const byId = (rows: RecordBatch) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

describe('file connector: reading formats', () => {
  it('reads a CSV with a header, inferring column types', async () => {
    const dir = await folder();
    await write(dir, 'orders.csv', 'id,customer,amount,ordered_on\n1,ada,10.5,2024-01-02\n2,grace,20,2024-01-03\n');
    const { rows, rejects, types } = await scan({ path: path.join(dir, 'orders.csv') });
    expect(types).toEqual({ id: 'BIGINT', customer: 'VARCHAR', amount: 'DOUBLE', ordered_on: 'DATE' });
    expect(rows.map((r) => [r.id, r.customer, r.amount])).toEqual([[1, 'ada', 10.5], [2, 'grace', 20]]);
    expect(rejects).toEqual([]);
  });

  it('reads a CSV with a custom delimiter and quoted fields holding delimiters, quotes and newlines', async () => {
    const dir = await folder();
    await write(dir, 'notes.csv', 'id;note;author\n1;"semi; colon";ada\n2;"line one\nline two";grace\n3;"say ""hi""";linus\n');
    const { rows, rejects } = await scan({ path: `${path.relative(root, dir)}/notes.csv`, csv: { delimiter: ';' } });
    expect(rows).toEqual([
      { id: 1, note: 'semi; colon', author: 'ada' },
      { id: 2, note: 'line one\nline two', author: 'grace' },
      { id: 3, note: 'say "hi"', author: 'linus' },
    ]);
    expect(rejects).toEqual([]);
  });

  it('reads a CSV with explicit column types, a null string and skipped lines', async () => {
    const dir = await folder();
    await write(dir, 'typed.csv', '# exported by a tool\nid,amount,code\n1,10.50,007\n2,NA,042\n');
    const { rows, types } = await scan({
      path: path.join(dir, 'typed.csv'),
      csv: { skip: 1, null_string: 'NA', columns: { id: 'INTEGER', amount: 'DECIMAL(10,2)', code: 'VARCHAR' } },
    });
    expect(types).toEqual({ id: 'INTEGER', amount: 'DECIMAL(10,2)', code: 'VARCHAR' });
    expect(rows).toEqual([
      { id: 1, amount: 10.5, code: '007' },
      { id: 2, amount: null, code: '042' },
    ]);
  });

  it('reads a CRLF CSV, and reports a bad CRLF line without its line break', async () => {
    const dir = await folder();
    const file = await write(dir, 'windows.csv', 'id,name\r\n1,ada\r\n2,"x,y"\r\n3\r\n4,linus\r\n');
    const { rows, rejects } = await scan({ path: file });
    expect(rows).toEqual([{ id: 1, name: 'ada' }, { id: 2, name: 'x,y' }, { id: 4, name: 'linus' }]);
    expect(rejects).toEqual([{ raw: '3', reason: expect.stringMatching(/^MISSING COLUMNS/), source: `${file}:4` }]);
  });

  it('reads a JSON array of records', async () => {
    const dir = await folder();
    await write(dir, 'people.json', JSON.stringify([{ id: 1, name: 'ada', tags: ['x'] }, { id: 2, name: 'grace', tags: [] }], null, 2));
    const { rows } = await scan({ path: path.join(dir, 'people.json') });
    expect(rows).toEqual([
      { id: 1, name: 'ada', tags: ['x'] },
      { id: 2, name: 'grace', tags: [] },
    ]);
  });

  it('reads the records of a JSON document at records_path', async () => {
    const dir = await folder();
    await write(dir, 'api.json', JSON.stringify({ meta: { page: 1 }, data: { items: [{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }] } }, null, 2));
    const { rows } = await scan({ path: path.join(dir, 'api.json'), json: { records_path: 'data.items' } });
    expect(rows).toEqual([{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }]);
  });

  it('reads NDJSON with nested fields', async () => {
    const dir = await folder();
    const lines = [{ id: 1, user: { name: 'ada' }, amount: 1.5 }, { id: 2, user: { name: 'grace' }, amount: 2 }];
    await write(dir, 'events.ndjson', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { rows, rejects, types } = await scan({ path: path.join(dir, 'events.ndjson') });
    expect(types.user).toBe('STRUCT("name" VARCHAR)');
    expect(rows).toEqual(lines);
    expect(rejects).toEqual([]);
  });

  it('reads NDJSON in a .json file as NDJSON', async () => {
    const dir = await folder();
    await write(dir, 'events.json', '{"id":1}\n{"id":2}\n{"id":\n');
    const { rows, rejects } = await scan({ path: path.join(dir, 'events.json') });
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(rejects).toEqual([{ raw: '{"id":', reason: 'invalid JSON', source: `${path.join(dir, 'events.json')}:3` }]);
  });

  it('reads Parquet', async () => {
    const dir = await folder();
    const session = await duck.session();
    await session.run(`COPY (SELECT range AS id, 'n' || range AS name FROM range(5)) TO '${path.join(dir, 'data.parquet')}' (FORMAT parquet)`);
    session.close();
    const { rows, types } = await scan({ path: path.join(dir, 'data.parquet') });
    expect(types).toEqual({ id: 'BIGINT', name: 'VARCHAR' });
    expect(rows).toHaveLength(5);
  });

  it('reads gzip-compressed NDJSON and CSV, by extension or by config', async () => {
    const dir = await folder();
    await write(dir, 'a.ndjson.gz', gzipSync('{"id":1,"v":"a"}\n{"id":2,"v":"b"}\n'));
    await write(dir, 'b.csv.gz', gzipSync('id,v\n1,a\n2,b\n3,c\n'));
    await write(dir, 'c.data', gzipSync('{"id":7}\n'));
    expect((await scan({ path: path.join(dir, 'a.ndjson.gz') })).rows).toEqual([{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    expect((await scan({ path: path.join(dir, 'b.csv.gz') })).rows).toHaveLength(3);
    expect((await scan({ path: path.join(dir, 'c.data'), format: 'ndjson', compression: 'gzip' })).rows).toEqual([{ id: 7 }]);
  });

  it('reads gzip NDJSON with a bad line, keeping its line number', async () => {
    const dir = await folder();
    await write(dir, 'bad.ndjson.gz', gzipSync('{"id":1}\n{oops\n{"id":3}\n'));
    const { rows, rejects } = await scan({ path: path.join(dir, 'bad.ndjson.gz') });
    expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
    expect(rejects).toEqual([{ raw: '{oops', reason: 'invalid JSON', source: `${path.join(dir, 'bad.ndjson.gz')}:2` }]);
  });

  it('reads every file a glob matches, with ** for nested folders', async () => {
    const dir = await folder();
    await write(dir, 'day=1/a.csv', 'id,v\n1,a\n');
    await write(dir, 'day=1/b.csv', 'id,v\n2,b\n');
    await write(dir, 'day=2/c.csv', 'id,v\n3,c\n');
    await write(dir, 'day=2/notes.txt', 'not data');
    await write(dir, 'top.csv', 'id,v\n4,d\n');
    const flat = await scan({ path: path.join(dir, '*.csv') });
    expect(flat.rows).toEqual([{ id: 4, v: 'd' }]);
    const nested = await scan({ path: path.join(dir, 'day=*/*.csv') });
    expect(byId(nested.rows).map((r) => [r.id, r.day])).toEqual([[1, 1], [2, 1], [3, 2]]);
    const all = await scan({ path: path.join(dir, '**/*.csv') });
    expect(all.rows).toHaveLength(4);
  });

  it('fills {{ params.name }} into the path', async () => {
    const dir = await folder();
    await write(dir, '2024-05-01/orders.csv', 'id\n1\n2\n');
    const { rows } = await scan({ path: path.join(dir, '{{ params.day }}/orders.csv') }, { day: '2024-05-01' });
    expect(rows).toHaveLength(2);
  });

  it('fails with NOT_FOUND when the path matches no file', async () => {
    const dir = await folder();
    await expect(scan({ path: path.join(dir, '*.csv') })).rejects.toSatisfy((e) => isErrorCode(e, 'NOT_FOUND'));
  });

  it('refuses an invalid config with located issues', async () => {
    await expect(scan({ path: 'x.csv', format: 'xml' } as unknown as FileConfig)).rejects.toThrow(/config\.format/);
  });
});

describe('file connector: bad files', () => {
  it('sets aside the lines of a truncated CSV (unterminated quote, missing columns) and keeps the rest', async () => {
    const dir = await folder();
    await write(dir, 'cut.csv', 'id,name,city\n1,ada,paris\n2,grace,london\n3,"lin');
    await write(dir, 'short.csv', 'id,name,city\n1,ada,paris\n2,grace');
    const cut = await scan({ path: path.join(dir, 'cut.csv') });
    expect(cut.rows).toEqual([{ id: 1, name: 'ada', city: 'paris' }, { id: 2, name: 'grace', city: 'london' }]);
    expect(cut.rejects).toHaveLength(1);
    expect(cut.rejects[0]).toMatchObject({ raw: '3,"lin', source: `${path.join(dir, 'cut.csv')}:4` });
    expect(cut.rejects[0]?.reason).toMatch(/UNQUOTED VALUE/);
    const short = await scan({ path: path.join(dir, 'short.csv') });
    expect(short.rows).toEqual([{ id: 1, name: 'ada', city: 'paris' }]);
    expect(short.rejects).toEqual([{ raw: '2,grace', reason: expect.stringMatching(/MISSING COLUMNS \(column city\)/), source: `${path.join(dir, 'short.csv')}:3` }]);
  });

  it('reads quotes as plain text when the file does not use quoting, rather than losing rows to an open quote', async () => {
    const dir = await folder();
    await write(dir, 'inches.csv', 'id,"size\n1,5" screen\n2,7" screen\n');
    const { rows, rejects } = await scan({ path: path.join(dir, 'inches.csv') });
    expect(rows).toEqual([{ id: 1, '"size': '5" screen' }, { id: 2, '"size': '7" screen' }]);
    expect(rejects).toEqual([]);
  });

  it('sets aside rows whose values do not fit the declared column types', async () => {
    const dir = await folder();
    await write(dir, 'mixed.csv', 'id,amount\n1,10\n2,ten\n3,30\nfour,40\n');
    const { rows, rejects } = await scan({ path: path.join(dir, 'mixed.csv'), csv: { columns: { id: 'INTEGER', amount: 'INTEGER' } } });
    expect(rows).toEqual([{ id: 1, amount: 10 }, { id: 3, amount: 30 }]);
    expect(rejects.map((r) => [r.raw, r.source])).toEqual([
      ['2,ten', `${path.join(dir, 'mixed.csv')}:3`],
      ['four,40', `${path.join(dir, 'mixed.csv')}:5`],
    ]);
    expect(rejects[0]?.reason).toMatch(/^CAST \(column amount\): .*"ten"/);
  });

  it('reports each bad CSV line once however many times the scan runs', async () => {
    const dir = await folder();
    await write(dir, 'mixed.csv', 'id\n1\nx\n');
    const ctx = await createConnectorContext({ config: { path: path.join(dir, 'mixed.csv'), csv: { columns: { id: 'INTEGER' } } } });
    const session = await duck.session();
    const result = await fileConnector.scan!({ ...ctx, duck: session });
    await session.all(result.sql);
    await session.all(result.sql);
    expect(await session.all(result.rejectsSql!)).toHaveLength(1);
    await result.cleanup?.();
    session.close();
    await ctx.dispose();
  });

  it('keeps the good NDJSON lines and sets aside invalid and non-object lines with their numbers', async () => {
    const dir = await folder();
    const file = await write(dir, 'events.ndjson', ['{"id":1,"ts":"2024-01-01T10:00:00"}', '{"id":2,', '', '   ', '{"id":3,"ts":"2024-01-02T10:00:00"}', '[1,2]', 'not json', '{"id":4}'].join('\n') + '\n');
    const { rows, rejects, types } = await scan({ path: file });
    expect(types).toEqual({ id: 'BIGINT', ts: 'TIMESTAMP' });
    expect(rows.map((r) => r.id)).toEqual([1, 3, 4]);
    expect(rejects).toEqual([
      { raw: '{"id":2,', reason: 'invalid JSON', source: `${file}:2` },
      { raw: '[1,2]', reason: 'not a JSON object (array)', source: `${file}:6` },
      { raw: 'not json', reason: 'invalid JSON', source: `${file}:7` },
    ]);
  });

  // The cheap whole-file check and the line-by-line pass must agree on every line: which one
  // runs depends on the rest of the file, and a line's fate must not.
  it('judges each NDJSON line the same whether or not another line of the file is bad', async () => {
    const dir = await folder();
    const lenient = ['{"id":1,}', '{"id":2,"tags":[1,2,]}'];
    const clean = await scan({ path: await write(dir, 'clean.ndjson', lenient.join('\n') + '\n') });
    const mixed = await scan({ path: await write(dir, 'mixed.ndjson', [...lenient, '{"id":'].join('\n') + '\n') });
    expect(clean.rows.map((r) => r.id)).toEqual([1, 2]);
    expect(clean.rejects).toEqual([]);
    expect(mixed.rows.map((r) => r.id)).toEqual([1, 2]);
    expect(mixed.rejects.map((r) => r.reason)).toEqual(['invalid JSON']);
  });

  it('sets aside a non-object line, an invalid UTF-8 line and an oversized line when no line is malformed JSON', async () => {
    const dir = await folder();
    const scalar = await scan({ path: await write(dir, 'scalar.ndjson', '{"id":1}\n42\n{"id":3}\n') });
    expect(scalar.rows.map((r) => r.id)).toEqual([1, 3]);
    expect(scalar.rejects).toEqual([{ raw: '42', reason: 'not a JSON object (number)', source: `${dir}/scalar.ndjson:2` }]);

    const badUtf8 = Buffer.concat([Buffer.from('{"id":1}\n{"id":2,"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"id":3}\n')]);
    const encoding = await scan({ path: await write(dir, 'latin.ndjson', badUtf8) });
    expect(encoding.rows.map((r) => r.id)).toEqual([1, 3]);
    expect(encoding.rejects.map((r) => [r.reason, r.source])).toEqual([['invalid UTF-8', `${dir}/latin.ndjson:2`]]);

    const huge = `{"id":2,"blob":"${'x'.repeat(9 * 1024 * 1024)}"}`;
    const oversized = await scan({ path: await write(dir, 'huge.ndjson', `{"id":1}\n${huge}\n{"id":3}\n`) });
    expect(oversized.rows.map((r) => r.id)).toEqual([1, 3]);
    expect(oversized.rejects.map((r) => [r.reason, r.source])).toEqual([['line longer than 8388608 bytes', `${dir}/huge.ndjson:2`]]);
  });

  it('keeps partition columns when only some NDJSON files of a partitioned folder have bad lines', async () => {
    const dir = await folder();
    await write(dir, 'events/day=1/a.ndjson', '{"id":1}\n{"id":2}\n');
    const bad = await write(dir, 'events/day=2/b.ndjson', '{"id":3}\n{"id":\n{"id":4}\n');
    const { rows, rejects } = await scan({ path: `${dir}/events/`, format: 'ndjson' });
    expect(byId(rows)).toEqual([{ id: 1, day: 1 }, { id: 2, day: 1 }, { id: 3, day: 2 }, { id: 4, day: 2 }]);
    expect(rejects).toEqual([{ raw: '{"id":', reason: 'invalid JSON', source: `${bad}:2` }]);
  });

  it('reads empty files as zero rows without error', async () => {
    const dir = await folder();
    await write(dir, 'zero.csv', '');
    await write(dir, 'header-only.csv', 'id,name\n');
    await write(dir, 'zero.ndjson', '');
    await write(dir, 'blank.ndjson', '\n\n');
    await write(dir, 'empty.json', '[]');
    await write(dir, 'zero.parquet', '');
    for (const name of ['zero.csv', 'header-only.csv', 'zero.ndjson', 'blank.ndjson', 'empty.json', 'zero.parquet']) {
      const { rows, rejects } = await scan({ path: path.join(dir, name) });
      expect({ name, rows, rejects }).toEqual({ name, rows: [], rejects: [] });
    }
    expect((await scan({ path: path.join(dir, 'header-only.csv') })).types).toEqual({ id: 'VARCHAR', name: 'VARCHAR' });
    expect((await scan({ path: path.join(dir, 'zero.csv'), csv: { columns: { id: 'INTEGER' } } })).types).toEqual({ id: 'INTEGER' });
  });

  it('reads a glob mixing empty, good and truncated CSV files', async () => {
    const dir = await folder();
    await write(dir, 'a.csv', '');
    await write(dir, 'b.csv', 'id,v\n1,x\n');
    await write(dir, 'c.csv', 'id,v\n2,y\n3,"z');
    const { rows, rejects } = await scan({ path: path.join(dir, '*.csv') });
    expect(rows).toEqual([{ id: 1, v: 'x' }, { id: 2, v: 'y' }]);
    expect(rejects.map((r) => r.source)).toEqual([`${path.join(dir, 'c.csv')}:3`]);
  });
});

describe('file connector: writing', () => {
  const source = "SELECT * FROM (VALUES (1, 'FR', 10.0), (2, 'US', 20.0), (3, 'FR', 30.0)) AS t(id, country, amount)";

  it('writes partitioned Parquet into country=value/ folders and reads them back', async () => {
    const dir = await folder();
    expect(await copy({ path: `${dir}/sales/`, partition_by: ['country'] }, source)).toBe(3);
    const files = await filesBelow(path.join(dir, 'sales'));
    expect(files.map((f) => f.split('/')[0])).toEqual(['country=FR', 'country=US']);
    expect(files.every((f) => f.endsWith('.parquet'))).toBe(true);
    const { rows } = await scan({ path: `${dir}/sales/` });
    expect(byId(rows)).toEqual([
      { id: 1, amount: 10, country: 'FR' },
      { id: 2, amount: 20, country: 'US' },
      { id: 3, amount: 30, country: 'FR' },
    ]);
  });

  it('appends new files into a partitioned folder and overwrites the whole folder', async () => {
    const dir = await folder();
    const config: FileConfig = { path: `${dir}/sales`, format: 'parquet', partition_by: ['country'] };
    await copy(config, source);
    await copy(config, "SELECT 4 AS id, 'DE' AS country, 40.0 AS amount");
    expect((await scan(config)).rows).toHaveLength(4);
    expect((await filesBelow(path.join(dir, 'sales'))).length).toBe(3);
    expect(await copy(config, "SELECT 9 AS id, 'JP' AS country, 1.0 AS amount", 'overwrite')).toBe(1);
    expect(await filesBelow(path.join(dir, 'sales'))).toEqual([expect.stringMatching(/^country=JP\/part-.*\.parquet$/)]);
    expect((await scan(config)).rows).toEqual([{ id: 9, amount: 1, country: 'JP' }]);
  });

  it('writes CSV with a header and gzip into a glob target, appending files that match it', async () => {
    const dir = await folder();
    const config: FileConfig = { path: `${dir}/out/events-*.csv.gz` };
    await copy(config, source);
    await copy(config, "SELECT 4 AS id, 'DE' AS country, 40.0 AS amount");
    const files = await filesBelow(path.join(dir, 'out'));
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^events-.*\.csv\.gz$/.test(f))).toBe(true);
    expect(byId((await scan(config)).rows).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('overwrites a single file atomically and appends to it by rewriting it', async () => {
    const dir = await folder();
    const config: FileConfig = { path: `${dir}/report.ndjson` };
    expect(await copy(config, source, 'overwrite')).toBe(3);
    expect(await copy(config, "SELECT 4 AS id, 'DE' AS country, 40.0 AS amount", 'append')).toBe(1);
    expect(byId((await scan(config)).rows).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(await copy(config, "SELECT 5 AS id, 'IT' AS country, 5.0 AS amount", 'overwrite')).toBe(1);
    expect((await scan(config)).rows).toEqual([{ id: 5, country: 'IT', amount: 5 }]);
    expect(await readdir(dir)).toEqual(['report.ndjson']);
  });

  it('writes a JSON array document', async () => {
    const dir = await folder();
    await copy({ path: `${dir}/out.json` }, source);
    expect(byId((await scan({ path: `${dir}/out.json` })).rows)).toHaveLength(3);
  });

  it('refuses upsert, and partition_by on a single file, without touching the target', async () => {
    const dir = await folder();
    await expect(copy({ path: `${dir}/x/` }, source, 'upsert')).rejects.toThrow('file sinks do not support upsert; use overwrite or a SQL sink');
    await expect(copy({ path: `${dir}/x.parquet`, partition_by: ['country'] }, source)).rejects.toSatisfy((e) => isErrorCode(e, 'VALIDATION_ERROR'));
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it('refuses to append to a single file whose lines cannot all be read', async () => {
    const dir = await folder();
    await write(dir, 'log.ndjson', '{"id":1}\n{broken\n');
    await expect(copy({ path: `${dir}/log.ndjson` }, 'SELECT 2 AS id')).rejects.toThrow(/1 of its lines cannot be read/);
  });
});

describe('file connector: test and discover', () => {
  it('passes test for an existing folder and for one that can be created', async () => {
    const dir = await folder();
    await write(dir, 'a.csv', 'id\n1\n');
    const existing = await createConnectorContext({ config: { path: path.join(dir, '*.csv') } });
    await expect(fileConnector.test(existing)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/1 matching file/) });
    const later = await createConnectorContext({ config: { path: path.join(dir, 'new/sub/') } });
    await expect(fileConnector.test(later)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/will be created/) });
    await existing.dispose();
    await later.dispose();
  });

  it('discovers each matched file with its columns', async () => {
    const dir = await folder();
    await write(dir, 'a.csv', 'id,name\n1,ada\n');
    await write(dir, 'b.csv', 'id,name,extra\n1,ada,true\n');
    const ctx = await createConnectorContext({ config: { path: path.join(dir, '*.csv') } });
    const relations = await fileConnector.discover!(ctx);
    await ctx.dispose();
    expect(relations).toEqual([
      { name: path.join(dir, 'a.csv'), columns: [{ name: 'id', type: 'BIGINT', nullable: true }, { name: 'name', type: 'VARCHAR', nullable: true }] },
      { name: path.join(dir, 'b.csv'), columns: [expect.objectContaining({ name: 'id' }), expect.objectContaining({ name: 'name' }), { name: 'extra', type: 'BOOLEAN', nullable: true }] },
    ]);
  });

  it('streams rows in batches through read', async () => {
    const dir = await folder();
    await write(dir, 'a.ndjson', Array.from({ length: 25_000 }, (_, i) => JSON.stringify({ id: i })).join('\n'));
    const ctx = await createConnectorContext({ config: { path: path.join(dir, 'a.ndjson') } });
    let total = 0;
    for await (const batch of fileConnector.read!(ctx)) {
      expect(batch.length).toBeLessThanOrEqual(12_048);
      total += batch.length;
    }
    await ctx.dispose();
    expect(total).toBe(25_000);
  });
});

describe('local dataset storage', () => {
  it('puts, lists, materializes and deletes files under its root', async () => {
    const dir = await folder();
    const storage = createDatasetStorage({ home: dir });
    expect(storage.kind).toBe('local');
    const src = await write(dir, 'staging/x.parquet', 'data');
    await storage.put(src, 'orders/run-1/part-0.parquet');
    await storage.put(await write(dir, 'staging/y.parquet', 'more data'), 'orders/run-10/part-0.parquet');
    expect(existsSync(src)).toBe(false);
    expect(await storage.list('orders/run-1')).toEqual([{ key: 'orders/run-1/part-0.parquet', size: 4 }]);
    expect((await storage.list('')).map((o) => o.key)).toEqual(['orders/run-1/part-0.parquet', 'orders/run-10/part-0.parquet']);
    const [local] = await storage.materialize(['orders/run-1/part-0.parquet']);
    expect(local).toBe(path.join(dir, 'data', 'orders', 'run-1', 'part-0.parquet'));
    expect(storage.url('orders/run-1/part-0.parquet')).toBe(`file://${local}`);
    await storage.delete('orders/run-1');
    expect((await storage.list('orders')).map((o) => o.key)).toEqual(['orders/run-10/part-0.parquet']);
    await expect(storage.materialize(['orders/run-1/part-0.parquet'])).rejects.toSatisfy((e) => isErrorCode(e, 'NOT_FOUND'));
  });

  it('is chosen by URL: a path, file:// or s3://, and nothing else', async () => {
    const dir = await folder();
    expect(createDatasetStorage({ home: dir, url: `file://${dir}/lake` }).description).toBe(`local folder ${dir}/lake`);
    expect(createDatasetStorage({ home: dir, url: 'relative/lake' }).description).toBe(`local folder ${dir}/relative/lake`);
    expect(createDatasetStorage({ home: dir, url: 's3://lake/datasets', endpoint: 'http://127.0.0.1:1' }).kind).toBe('s3');
    expect(() => createDatasetStorage({ home: dir, url: 'gs://lake/x' })).toThrow(/unsupported dataset storage URL/);
  });

  it('refuses keys that climb out of the root', async () => {
    const storage = new LocalDatasetStorage(await folder());
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', '']) {
      await expect(storage.put('/dev/null', key)).rejects.toSatisfy((e) => isErrorCode(e, 'VALIDATION_ERROR'));
    }
  });

  it('puts a whole folder, keeping relative paths', async () => {
    const dir = await folder();
    await write(dir, 'stage/day=1/a.parquet', 'a');
    await write(dir, 'stage/day=2/b.parquet', 'b');
    const storage = new LocalDatasetStorage(path.join(dir, 'store'));
    expect(await storage.putDirectory(path.join(dir, 'stage'), 'ds/v1')).toEqual(['ds/v1/day=1/a.parquet', 'ds/v1/day=2/b.parquet']);
    expect((await storage.list('ds')).map((o) => o.key)).toEqual(['ds/v1/day=1/a.parquet', 'ds/v1/day=2/b.parquet']);
    await storage.put(await write(dir, 'top.parquet', 't'), 'top.parquet');
    expect((await storage.list('', { depth: 1 })).map((o) => o.key)).toEqual(['top.parquet']);
    expect((await storage.list('ds', { depth: 2 })).map((o) => o.key)).toEqual([]);
    expect((await storage.list('ds', { depth: 3 })).map((o) => o.key)).toHaveLength(2);
  });
});

runConnectorContract({
  name: 'file (local Parquet folder)',
  connector: fileConnector,
  upsert: false,
  config: () => ({ path: `${path.join(root, `contract-${randomUUID()}`, 'table')}/`, format: 'parquet' as const }),
});
