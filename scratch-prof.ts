import { Kysely, SqliteDialect } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
const now = new Date().toISOString();
const rows = Array.from({ length: 5461 }, (_, i) => ({ type: 'task.status', run_id: 'r', pipeline_id: 'p', task_id: `t${i}`, ts: now, payload: JSON.stringify({ status: 'running', i }) }));
const sqlite = new BetterSqlite3(':memory:');
sqlite.exec('create table events (seq integer primary key autoincrement, type text, run_id text, pipeline_id text, task_id text, ts text, payload text)');
sqlite.exec('create index e1 on events(run_id, seq)'); sqlite.exec('create index e2 on events(pipeline_id, seq)');
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  let c;
  for (let j = 0; j < 8; j++) c = db.insertInto('events').values(rows).returning('seq').compile();
  const compileMs = performance.now() - t;
  t = performance.now();
  let st;
  for (let j = 0; j < 8; j++) st = sqlite.prepare(c!.sql);
  const prepMs = performance.now() - t;
  t = performance.now();
  for (let j = 0; j < 8; j++) st!.all(c!.parameters as unknown[]);
  const runMs = performance.now() - t;
  console.log({ compileMs, prepMs, runMs });
}
