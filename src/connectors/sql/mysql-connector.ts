/**
 * The `mysql` connector, for MySQL and MariaDB (mysql2): reads stream row by row with the
 * socket paused while a batch is being consumed; writes are multi-row prepared INSERTs in one
 * transaction, with `ON DUPLICATE KEY UPDATE` for upserts. Every value is a bound parameter
 * (server-side prepared statements, not client-side escaping).
 */
import type { ExecuteValues } from 'mysql2';
import { z } from 'zod';
import type { Connector, ConnectorContext, RecordBatch, WriteContext } from '../connector.ts';
import { connectMysql, discoverMysql, mysqlBindValue, mysqlTableColumns, mysqlUniqueKeys, type MysqlConnection } from './mysql-client.ts';
import { assertCursorColumn, planRead } from './read-plan.ts';
import { parseConnectorConfig, sqlRelationFields, writeTarget } from './sql-config.ts';
import { mysqlDialect } from './sql-dialect.ts';
import { toDbValue } from './sql-values.ts';
import { assertColumnsExist, assertUniqueKey, createTableSql, insertValuesSql, planWrite, rowsPerInsert, type WritePlan } from './write-plan.ts';

/** Config of the `mysql` connector: a URL or host fields, plus what to read or write. */
export const mysqlConfigSchema = z.object({
  url: z.string().optional().describe('mysql://user:password@host:3306/database (instead of host, port, ...)'),
  host: z.string().optional(),
  port: z.number().int().positive().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  ssl: z.boolean().optional().describe('Connect with TLS, verifying the server certificate'),
  connect_timeout_ms: z.number().int().positive().default(10_000),
  ...sqlRelationFields,
});
/** A `mysql` connector config as written in a spec. */
export type MysqlConfig = z.input<typeof mysqlConfigSchema>;

const parse = (ctx: ConnectorContext<MysqlConfig>) => parseConnectorConfig('mysql', mysqlConfigSchema, ctx.config);

/** Tables we create compare text exactly (like the other databases), so keys differing in case stay distinct. */
const TABLE_OPTIONS = ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
/** Well under the prepared-statement limit of 65,535 placeholders and the default packet size. */
const MAX_PARAMS = 30_000;

async function* readMysql(ctx: ConnectorContext<MysqlConfig>): AsyncIterable<RecordBatch> {
  const config = parse(ctx);
  const plan = await planRead(mysqlDialect, config, ctx);
  const { core, db } = await connectMysql(config);
  let drained = false;
  try {
    const rows = core.execute(plan.sql, plan.params.map(mysqlBindValue) as ExecuteValues[]).stream({ highWaterMark: config.batch_size });
    let batch: RecordBatch = [];
    for await (const row of rows as AsyncIterable<Record<string, unknown>>) {
      batch.push(row);
      if (batch.length >= config.batch_size) {
        ctx.signal.throwIfAborted();
        assertCursorColumn(plan.tracker, Object.keys(row));
        plan.tracker?.observeBatch(batch);
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) {
      assertCursorColumn(plan.tracker, Object.keys(batch[0] as object));
      plan.tracker?.observeBatch(batch);
      yield batch;
    }
    drained = true;
  } finally {
    // A result left half-read blocks the connection; drop it instead of waiting for the rest.
    if (drained) await db.end();
    else core.destroy();
  }
  await plan.tracker?.save(ctx.state);
}

async function insertRows({ db }: MysqlConnection, plan: WritePlan, rows: RecordBatch): Promise<void> {
  const params: unknown[] = [];
  for (const row of rows) {
    plan.columns.forEach((column, i) => params.push(toDbValue(row[column.name], (plan.types[i] as WritePlan['types'][number]).kind, 'mysql')));
  }
  await db.execute(insertValuesSql(mysqlDialect, plan, rows.length), params as ExecuteValues[]);
}

async function writeMysql(ctx: WriteContext<MysqlConfig>): Promise<{ rowsWritten: number }> {
  const config = parse(ctx);
  const plan = planWrite(ctx, writeTarget(config));
  const connection = await connectMysql(config);
  const { db } = connection;
  try {
    const existing = await mysqlTableColumns(db, plan.target);
    // DDL commits implicitly in MySQL, so the table is made before the load's transaction.
    if (existing.length === 0) await db.query(createTableSql(mysqlDialect, plan, TABLE_OPTIONS));
    else {
      assertColumnsExist(plan, existing);
      if (plan.mode === 'upsert') assertUniqueKey(plan, await mysqlUniqueKeys(db, plan.target));
    }
    const chunk = rowsPerInsert(plan, MAX_PARAMS, 500);
    let rowsWritten = 0;
    await db.query('START TRANSACTION');
    try {
      // DELETE, not TRUNCATE: TRUNCATE would commit at once and leave readers an empty table.
      if (plan.mode === 'overwrite') await db.query(`DELETE FROM ${mysqlDialect.qualify(plan.target)}`);
      let pending: RecordBatch = [];
      for await (const batch of ctx.batches) {
        ctx.signal.throwIfAborted();
        for (const row of batch) {
          pending.push(row);
          if (pending.length === chunk) {
            await insertRows(connection, plan, pending);
            pending = [];
          }
        }
        rowsWritten += batch.length;
      }
      if (pending.length > 0) await insertRows(connection, plan, pending);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return { rowsWritten };
  } finally {
    await db.end().catch(() => connection.core.destroy());
  }
}

/**
 * MySQL and MariaDB source and sink.
 *
 * @example
 * // config: { type: mysql, url: '${env:MYSQL_URL}', table: orders, incremental: { cursor: id } }
 */
export const mysqlConnector: Connector<MysqlConfig> = {
  type: 'mysql',
  description: 'MySQL and MariaDB tables and queries: streamed reads with incremental cursors; batched append, overwrite and upsert',
  configSchema: mysqlConfigSchema,
  secretFields: ['password', 'url'],

  async test(ctx) {
    const { db } = await connectMysql(parse(ctx));
    try {
      await db.query('select 1');
      const [rows] = await db.query('select version() AS v');
      return { ok: true, message: `connected to MySQL ${String((rows as Array<{ v: string }>)[0]?.v ?? '')}`.trim() };
    } finally {
      await db.end();
    }
  },

  async discover(ctx) {
    const config = parse(ctx);
    const { db } = await connectMysql(config);
    try {
      return await discoverMysql(db, config.schema);
    } finally {
      await db.end();
    }
  },

  read: readMysql,
  write: writeMysql,
};
