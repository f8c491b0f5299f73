/**
 * The quoting helper of each adapter dialect, reused from where the platform already quotes for
 * that database: DuckDB through engine/sql-quote, Postgres through the connectors' dialect and
 * pg's own literal escaping. Parsing and `ls` quote relations without opening a connection.
 */
import pg from 'pg';
import { postgresDialect } from '../../connectors/sql/sql-dialect.ts';
import { quoteIdent, quoteLiteral } from '../../engine/sql-quote.ts';
import type { AdapterType, RelationParts, SqlQuoting } from './model-adapter.ts';

function quotingWith(ident: (name: string) => string, literal: (value: string) => string): SqlQuoting {
  return {
    quoteIdent: ident,
    quoteLiteral: literal,
    relation: (parts: RelationParts) => [parts.database, parts.schema, parts.identifier].filter((p): p is string => Boolean(p)).map(ident).join('.'),
  };
}

const QUOTING: Record<AdapterType, SqlQuoting> = {
  duckdb: quotingWith(quoteIdent, quoteLiteral),
  postgres: quotingWith((name) => postgresDialect.quoteIdent(name), (value) => pg.escapeLiteral(value)),
};

/** The quoting of an adapter type. */
export function sqlQuoting(type: AdapterType): SqlQuoting {
  return QUOTING[type];
}
