/** `datadog dataset show NAME`: a dataset's schema and its versions (run, task, status, size). */
import { Command } from 'commander';
import type { DatasetVersionRecord } from '../../../store/store.ts';
import type { DatasetDetail, GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { formatBytes } from '../../format/byte-size.ts';
import { localTime } from '../../format/local-time.ts';
import { formatTable } from '../../format/table.ts';
import { intOption } from '../../int-option.ts';
import { printJson } from '../../output.ts';

interface ShowOptions {
  versions: number;
  json?: boolean;
}

/** Builds the `dataset show` command. */
export function datasetShowCommand(): Command {
  return new Command('show')
    .description("show a dataset's schema and its versions")
    .argument('<name>', 'the dataset')
    .option('-n, --versions <n>', 'most versions to list, newest first', intOption(1, 500), 20)
    .option('--json', 'print the dataset and its versions as JSON')
    .action(async (name: string, options: ShowOptions, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const detail = await backend.getDataset(name, options.versions);
        if (options.json) return printJson(detail);
        process.stdout.write(`${formatDetail(detail)}\n`);
      });
    });
}

/** The version whose schema is shown: the latest published one, else the newest listed. */
function schemaVersion(detail: DatasetDetail): DatasetVersionRecord | undefined {
  const { dataset, versions } = detail;
  return versions.find((v) => v.id === dataset.latestVersionId) ?? versions.find((v) => v.status === 'published') ?? versions[0];
}

function formatDetail(detail: DatasetDetail): string {
  const { dataset, versions } = detail;
  const shown = schemaVersion(detail);
  const lines = [
    `dataset ${dataset.name}  pipeline ${dataset.pipelineId}  rows ${dataset.rows}  updated ${localTime(dataset.updatedAt)}`,
    `latest version ${dataset.latestVersionId ?? '(none published)'}`,
    '',
  ];
  if (shown) {
    const note = shown.id === dataset.latestVersionId ? 'latest version' : `version ${shown.id}`;
    lines.push(`schema (${note}):`);
    // TYPE last: struct types run long, and the last column is not padded.
    const columns = shown.schema.map((c) => [`  ${c.name}`, c.nullable === false ? 'no' : 'yes', c.type]);
    lines.push(formatTable(['  COLUMN', 'NULLABLE', 'TYPE'], columns), '');
  }
  lines.push(`versions (newest first):`);
  const rows = versions.map((v) => [`  ${v.id}`, v.runId, v.taskId, v.status, String(v.rows), formatBytes(v.bytes), localTime(v.createdAt)]);
  lines.push(formatTable(['  VERSION', 'RUN', 'TASK', 'STATUS', 'ROWS', 'BYTES', 'CREATED'], rows));
  return lines.join('\n');
}
