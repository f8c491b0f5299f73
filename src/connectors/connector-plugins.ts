/**
 * Connector plugins from packages named in config (DATADOG_PLUGINS): each package exports a
 * connector, a list of connectors, or `register(registry)`.
 */
import { PlatformError } from '../core/errors.ts';
import type { Connector, ConnectorRegistry } from './connector.ts';

function isConnector(value: unknown): value is Connector {
  return Boolean(value && typeof value === 'object' && 'type' in value && 'configSchema' in value && 'test' in value);
}

export async function loadConnectorPlugins(registry: ConnectorRegistry, packages: readonly string[]): Promise<void> {
  for (const name of packages) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(name)) as Record<string, unknown>;
    } catch (error) {
      throw new PlatformError('VALIDATION_ERROR', `cannot load connector plugin '${name}': ${(error as Error).message}`);
    }
    if (typeof mod.register === 'function') {
      (mod.register as (r: ConnectorRegistry) => void)(registry);
      continue;
    }
    const exported = [mod.default, ...(Array.isArray(mod.connectors) ? mod.connectors : []), mod.connector].flat().filter(isConnector);
    if (exported.length === 0) throw new PlatformError('VALIDATION_ERROR', `connector plugin '${name}' exports no connector (export default a connector, 'connectors', or register(registry))`);
    for (const connector of exported) registry.register(connector);
  }
}
