/**
 * The built-in SQL connectors, registered in one call by the platform's composition root.
 */
import type { ConnectorRegistry } from '../connector.ts';
import { duckdbConnector } from './duckdb-connector.ts';
import { mysqlConnector } from './mysql-connector.ts';
import { postgresConnector } from './postgres-connector.ts';
import { sqliteConnector } from './sqlite-connector.ts';

/**
 * Registers the `postgres`, `mysql` (also MariaDB), `sqlite` and `duckdb` connectors.
 *
 * @example
 * registerSqlConnectors(new ConnectorRegistry());
 */
export function registerSqlConnectors(registry: ConnectorRegistry): ConnectorRegistry {
  return registry.register(postgresConnector).register(mysqlConnector).register(sqliteConnector).register(duckdbConnector);
}
