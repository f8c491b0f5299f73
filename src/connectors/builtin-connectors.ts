/**
 * The connectors every platform has, registered at start.
 */
import type { ConnectorRegistry } from './connector.ts';
import { fileConnector } from './file/file-connector.ts';
import { generatorConnector } from './generator/generator-connector.ts';
import { restConnector } from './rest/rest-connector.ts';
import { registerSqlConnectors } from './sql/register-sql-connectors.ts';

export function registerBuiltinConnectors(registry: ConnectorRegistry): ConnectorRegistry {
  return registerSqlConnectors(registry.register(fileConnector)).register(restConnector).register(generatorConnector);
}
