/**
 * `datadog connector test -f conn.yaml`: checks a connector config against its system. The
 * file holds a connector block, `{ type: postgres, url: ... }`, or `{ connector: { ... } }`.
 * Exit 0 when the check passed, 1 when it ran and failed (unreachable, refused), 2 when the
 * config is invalid (the message names the field, such as `connector.url`).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type { ConnectorBlock, ConnectorTestResult } from '../../../connectors/test-connector.ts';
import { ValidationError } from '../../../core/errors.ts';
import { MAX_SPEC_BYTES, parseYamlMapping } from '../../../core/spec/yaml-source.ts';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

interface TestOptions {
  file: string;
  discover?: boolean;
  json?: boolean;
}

/** Builds the `connector test` command. */
export function connectorTestCommand(): Command {
  return new Command('test')
    .description('check that a connector config reaches its system (exit 1 when it does not, 2 when the config is invalid)')
    .requiredOption('-f, --file <file>', 'a YAML or JSON file with the connector block: { type: postgres, url: ... }')
    .option('--discover', 'also list the tables, files or streams the connector can read')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nSecrets are written as ${env:NAME} and resolved where the check runs (here, or on the server with --server).')
    .action(async (options: TestOptions, command: Command) => {
      const { block, baseDir } = await readConnectorFile(options.file);
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const result = await backend.testConnector({ connector: block, baseDir, ...(options.discover ? { discover: true } : {}) });
        if (options.json) printJson(result);
        else printResult(result);
        // 1 like a failed run: the input was fine, the system it names was not.
        if (!result.ok) process.exitCode = 1;
      });
    });
}

/** The connector block of a file, and the folder its relative paths resolve against. */
async function readConnectorFile(file: string): Promise<{ block: ConnectorBlock; baseDir: string }> {
  const absolute = path.resolve(file);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isFile()) throw new ValidationError(`connector file not found: ${file}`);
  if (info.size > MAX_SPEC_BYTES) throw new ValidationError(`${file}: file is ${info.size} bytes, over the ${MAX_SPEC_BYTES}-byte limit`);
  // YAML is a superset of JSON, so one parser reads both.
  const root = parseYamlMapping(await readFile(absolute, 'utf8'), file);
  const nested = root.connector;
  const block = root.type === undefined && nested !== null && typeof nested === 'object' && !Array.isArray(nested) ? nested : root;
  return { block: block as ConnectorBlock, baseDir: path.dirname(absolute) };
}

function printResult(result: ConnectorTestResult): void {
  if (!result.ok) {
    const error = result.error ?? { code: 'CHECK_FAILED', message: 'the check failed' };
    process.stderr.write(`FAILED ${result.type}: ${error.message} (${error.code})\n`);
    return;
  }
  process.stdout.write(`OK ${result.type}${result.message ? `: ${result.message}` : ''}\n`);
  if (result.relations === undefined) return;
  if (result.relations.length === 0) {
    process.stdout.write('no relations found\n');
    return;
  }
  const rows = result.relations.map((r) => [r.name, String(r.columns.length), r.columns.map((c) => `${c.name} ${c.type}`).join(', ')]);
  process.stdout.write(`\n${formatTable(['RELATION', 'COLUMNS', 'SCHEMA'], rows)}\n`);
}
