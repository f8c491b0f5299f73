/**
 * The incremental merge both adapters share (dbt's delete+insert): the model's new rows go to a
 * temp table; in one transaction the target's rows whose unique key matches a new row are
 * deleted, then the new rows are inserted into the columns the two share (a model that gained a
 * column does not fail; the new column is left out until a full refresh).
 */
import type { IncrementalOptions, IncrementalOutcome, RelationParts, SqlQuoting } from './model-adapter.ts';

/** What the merge needs of an adapter's connection. */
export interface MergeConnection {
  readonly quoting: SqlQuoting;
  /** Runs a statement; returns the rows it changed. */
  execute(sql: string): Promise<number>;
  /** Runs `prefix + body + suffix`, errors located within `body` (the model's SQL). */
  wrapped(prefix: string, body: string, suffix: string): Promise<number>;
  /** Column names of a relation (quoted SQL), in order. */
  columnsOf(relationSql: string): Promise<string[]>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

export async function mergeIncremental(connection: MergeConnection, relation: RelationParts, sql: string, options: IncrementalOptions): Promise<IncrementalOutcome> {
  const q = connection.quoting;
  const temp = q.quoteIdent(`${relation.identifier}__dbt_tmp`);
  await connection.execute(`DROP TABLE IF EXISTS ${temp}`);
  await connection.wrapped(`CREATE TEMP TABLE ${temp} AS (\n`, sql, '\n)');
  try {
    return await connection.transaction(async () => {
      const target = q.relation(relation);
      let deleted = 0;
      if (options.uniqueKey.length > 0) {
        const match = options.uniqueKey.map((k) => `dbt_new.${q.quoteIdent(k)} = ${target}.${q.quoteIdent(k)}`).join(' AND ');
        deleted = await connection.execute(`DELETE FROM ${target} WHERE EXISTS (SELECT 1 FROM ${temp} AS dbt_new WHERE ${match})`);
      }
      // One after the other: a DuckDB connection runs one query at a time.
      const incoming = new Set(await connection.columnsOf(temp));
      const list = (await connection.columnsOf(target))
        .filter((c) => incoming.has(c))
        .map((c) => q.quoteIdent(c))
        .join(', ');
      const inserted = await connection.execute(`INSERT INTO ${target} (${list}) SELECT ${list} FROM ${temp}`);
      return { inserted, deleted };
    });
  } finally {
    await connection.execute(`DROP TABLE IF EXISTS ${temp}`).catch(() => undefined);
  }
}
