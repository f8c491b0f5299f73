/**
 * The `postgres` connector: reads a table or a parameterised query through a server-side
 * cursor (DECLARE ... FETCH n, so memory stays bounded), and writes through COPY in one
 * transaction, with append, overwrite and upsert by keys.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import type { Connector, ConnectorContext, DiscoveredRelation, RecordBatch, WriteContext } from '../connector.ts';
import { openPostgres, postgresBindValue, withPostgres } from './postgres-client.ts';
import { discoverPostgres, postgresTableColumns, postgresUniqueKeys } from './postgres-catalog.ts';
import { copyBatches } from './postgres-copy.ts';
import { assertCursorColumn, planRead } from './read-plan.ts';
import { parseConnectorConfig, sqlRelationFields, writeTarget } from './sql-config.ts';
import { postgresDialect } from './sql-dialect.ts';
import { assertColumnsExist, assertUniqueKey, columnList, createTableSql, planWrite, upsertClause, type WritePlan } from './write-plan.ts';

/** Config of the `postgres` connector: a URL or host fields, plus what to read or write. */
export const postgresConfigSchema = z.object({
  url: z.string().optional().describe('postgres://user:password@host:5432/database (instead of host, port, ...)'),
  host: z.string().optional(),
  port: z.number().int().positive().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  ssl: z.boolean().optional().describe('Connect with TLS, verifying the server certificate'),
  pool_size: z.number().int().min(1).max(100).default(2).describe('Most connections one connector call opens'),
  connect_timeout_ms: z.number().int().positive().default(10_000),
  ...sqlRelationFields,
});
/** A `postgres` connector config as written in a spec. */
export type PostgresConfig = z.input<typeof postgresConfigSchema>;
type ParsedConfig = z.output<typeof postgresConfigSchema>;

const parse = (ctx: ConnectorContext<PostgresConfig>): ParsedConfig => parseConnectorConfig('postgres', postgresConfigSchema, ctx.config);
const q = postgresDialect.quoteIdent;

async function* readPostgres(ctx: ConnectorContext<PostgresConfig>): AsyncIterable<RecordBatch> {
  const config = parse(ctx);
  const plan = await planRead(postgresDialect, config, ctx);
  const pool = openPostgres(config);
  try {
    const client = await pool.connect();
    try {
      // One snapshot for the whole read, however many FETCHes it takes.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The extended protocol takes exactly one statement, so `select 1; drop ...` cannot ride along.
      const declare = { text: `DECLARE dd_read NO SCROLL CURSOR FOR ${plan.sql}`, values: plan.params.map(postgresBindValue), queryMode: 'extended' };
      await client.query(declare as pg.QueryConfig);
      for (;;) {
        ctx.signal.throwIfAborted();
        const result = await client.query(`FETCH FORWARD ${config.batch_size} FROM dd_read`);
        if (result.rows.length === 0) break;
        assertCursorColumn(plan.tracker, result.fields.map((f) => f.name));
        plan.tracker?.observeBatch(result.rows);
        yield result.rows;
        if (result.rows.length < config.batch_size) break;
      }
      await client.query('COMMIT');
    } finally {
      // A read stopped early leaves its transaction open; this connection is not reused anyway.
      client.release(true);
    }
  } finally {
    await pool.end();
  }
  await plan.tracker?.save(ctx.state);
}

/** Creates or checks the target, then loads the rows; all in the caller's transaction. */
async function load(client: pg.PoolClient, plan: WritePlan, ctx: WriteContext<PostgresConfig>): Promise<number> {
  const table = postgresDialect.qualify(plan.target);
  const existing = await postgresTableColumns(client, plan.target);
  if (existing.length === 0) {
    if (plan.target.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(plan.target.schema)}`);
    await client.query(createTableSql(postgresDialect, plan));
  } else {
    assertColumnsExist(plan, existing);
    if (plan.mode === 'upsert') assertUniqueKey(plan, await postgresUniqueKeys(client, plan.target));
  }
  // DELETE rather than TRUNCATE: readers keep seeing the old rows until COMMIT.
  if (plan.mode === 'overwrite') await client.query(`DELETE FROM ${table}`);
  if (plan.mode !== 'upsert') return copyBatches(client, table, plan, ctx.batches, ctx.signal);

  // COPY into a temp table, then one INSERT ... ON CONFLICT; the last row of a key wins.
  const staging = q(`dd_upsert_${randomBytes(6).toString('hex')}`);
  const cols = columnList(postgresDialect, plan);
  const keys = plan.keys.map(q).join(', ');
  await client.query(`CREATE TEMP TABLE ${staging} ON COMMIT DROP AS SELECT ${cols} FROM ${table} WITH NO DATA`);
  const seq = q('__dd_seq');
  await client.query(`ALTER TABLE ${staging} ADD COLUMN ${seq} bigint GENERATED ALWAYS AS IDENTITY`);
  const rows = await copyBatches(client, staging, plan, ctx.batches, ctx.signal);
  await client.query(
    `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM (SELECT DISTINCT ON (${keys}) ${cols} FROM ${staging} ORDER BY ${keys}, ${seq} DESC) AS s` +
      upsertClause(postgresDialect, plan),
  );
  return rows;
}

async function writePostgres(ctx: WriteContext<PostgresConfig>): Promise<{ rowsWritten: number }> {
  const config = parse(ctx);
  const plan = planWrite(ctx, writeTarget(config));
  return withPostgres(config, async (client) => {
    await client.query('BEGIN');
    try {
      const rowsWritten = await load(client, plan, ctx);
      await client.query('COMMIT');
      return { rowsWritten };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * PostgreSQL source and sink.
 *
 * @example
 * // in a pipeline spec
 * // config: { type: postgres, url: '${env:PG_URL}', query: 'select * from orders where day = $1',
 * //           query_params: ['${params.day}'], incremental: { cursor: updated_at } }
 */
export const postgresConnector: Connector<PostgresConfig> = {
  type: 'postgres',
  description: 'PostgreSQL tables and queries: streamed reads with incremental cursors; COPY-based append, overwrite and upsert',
  configSchema: postgresConfigSchema,
  secretFields: ['password', 'url'],

  async test(ctx) {
    const config = parse(ctx);
    const version = await withPostgres(config, async (client) => {
      await client.query('select 1');
      return (await client.query<{ v: string }>('show server_version')).rows[0]?.v;
    });
    return { ok: true, message: `connected to PostgreSQL ${version ?? ''}`.trim() };
  },

  async discover(ctx): Promise<DiscoveredRelation[]> {
    const config = parse(ctx);
    return withPostgres(config, (client) => discoverPostgres(client, config.schema));
  },

  read: readPostgres,
  write: writePostgres,
};
