/** `datadog connector list`: the connector types with what they can do and which fields are secret. */
import { Command } from 'commander';
import type { ConnectorInfo } from '../../../connectors/connector.ts';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

/** Builds the `connector list` command. */
export function connectorListCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('list connector types, their capabilities and secret fields')
    .option('--json', 'print the connector types (with their config JSON Schema) as a JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const connectors = await backend.listConnectors();
        if (options.json) return printJson(connectors);
        const rows = connectors.map((c) => [c.type, capabilities(c), c.secretFields.join(',') || '-']);
        process.stdout.write(`${formatTable(['TYPE', 'CAPABILITIES', 'SECRET FIELDS'], rows)}\n`);
      });
    });
}

function capabilities(info: ConnectorInfo): string {
  const names = (['read', 'write', 'discover'] as const).filter((name) => info.capabilities[name]);
  return names.join(',') || '-';
}
