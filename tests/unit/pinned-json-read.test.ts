import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedJsonRead } from '../../src/connectors/file/pinned-json-read.ts';
import { quoteLiteral } from '../../src/engine/sql-quote.ts';
import { useDuckSuite } from '../helpers/duck-suite.ts';

describe('pinnedJsonRead', () => {
  const suite = useDuckSuite('dd-pinned-');

  async function ndjson(name: string, lines: unknown[]): Promise<string[]> {
    const file = path.join(suite.dir, name);
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return [`[${quoteLiteral(file)}]`, "format='newline_delimited'"];
  }
  const rows = async (sql: string) => suite.session.all(`SELECT * FROM (${sql}) ORDER BY ALL`);
  const bare = (args: string[]) => `SELECT * FROM read_json(${args.join(', ')})`;

  it('writes out the inferred columns, nested ones and ISO times included, and reads the same rows', async () => {
    const args = await ndjson('iso.ndjson', [
      { id: 1, at: '2024-03-01 10:00:00', user: { name: 'a', tags: ['x', 'y'], geo: { lat: 1.5 } }, amount: 2.5 },
      { id: 2, at: '2024-03-02 11:30:00', user: { name: 'b', tags: [], geo: null }, amount: null },
    ]);
    const sql = await pinnedJsonRead(suite.session, args);
    expect(sql).toContain("columns={'id': 'BIGINT', 'at': 'TIMESTAMP', 'user': 'STRUCT(");
    expect(await rows(sql)).toEqual(await rows(bare(args)));
    expect((await suite.session.all(`DESCRIBE ${sql}`)).map((c) => c.column_type)).toEqual((await suite.session.all(`DESCRIBE ${bare(args)}`)).map((c) => c.column_type));
  });

  it('keeps the bare read when a detected date format is not ISO (explicit columns would parse ISO only)', async () => {
    const args = await ndjson('dmy.ndjson', [
      { id: 1, day: '13-03-2024' },
      { id: 2, day: '14-03-2024' },
    ]);
    expect((await suite.session.all(`DESCRIBE ${bare(args)}`)).map((c) => c.column_type)).toEqual(['BIGINT', 'DATE']);
    const sql = await pinnedJsonRead(suite.session, args);
    expect(sql).toBe(bare(args));
    expect((await rows(sql)).map((r) => String(r.day))).toEqual([String(new Date('2024-03-13')), String(new Date('2024-03-14'))]);
  });

  it('keeps the bare read for times inside nested values, and for files it cannot infer', async () => {
    const nested = await ndjson('nested.ndjson', [{ id: 1, visit: { at: '2024-03-01 10:00:00' } }]);
    expect(await pinnedJsonRead(suite.session, nested)).toBe(bare(nested));
    const empty = path.join(suite.dir, 'empty.ndjson');
    await writeFile(empty, '');
    const args = [`[${quoteLiteral(empty)}]`, "format='newline_delimited'"];
    const sql = await pinnedJsonRead(suite.session, args);
    expect(sql.startsWith(bare(args).slice(0, -1))).toBe(true);
  });
});
