/**
 * `datadog dataset preview NAME`: rows of a dataset version as a table, nested values as
 * compact JSON. Without --run or --version it shows the latest published version.
 */
import { Command } from 'commander';
import type { DatasetPreview } from '../../../datasets/dataset-catalog.ts';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { DEFAULT_CELL_WIDTH, formatCell } from '../../format/cell-value.ts';
import { formatTable } from '../../format/table.ts';
import { intOption } from '../../int-option.ts';
import { printJson } from '../../output.ts';

interface PreviewOptions {
  run?: string;
  version?: string;
  limit: number;
  offset: number;
  width: number;
  json?: boolean;
}

/** Builds the `dataset preview` command. */
export function datasetPreviewCommand(): Command {
  return new Command('preview')
    .alias('head')
    .description("print rows of a dataset version (default: the latest published one)")
    .argument('<name>', 'the dataset')
    .option('-r, --run <run-id>', 'the version this run wrote')
    .option('--version <version-id>', 'this version (wins over --run)')
    .option('-l, --limit <n>', 'rows to show', intOption(1, 10_000), 20)
    .option('--offset <n>', 'rows to skip first', intOption(0, Number.MAX_SAFE_INTEGER), 0)
    .option('--width <n>', `cut longer cells to this many characters (0 keeps them whole)`, intOption(0, 100_000), DEFAULT_CELL_WIDTH)
    .option('--json', 'print the version, columns and rows as JSON')
    .action(async (name: string, options: PreviewOptions, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const preview = await backend.previewDataset(name, {
          limit: options.limit,
          offset: options.offset,
          ...(options.run !== undefined ? { runId: options.run } : {}),
          ...(options.version !== undefined ? { versionId: options.version } : {}),
        });
        if (options.json) return printJson(preview);
        process.stdout.write(`${formatPreview(preview, options)}\n`);
      });
    });
}

function formatPreview(preview: DatasetPreview, options: PreviewOptions): string {
  const { version, rows } = preview;
  // The schema's order; a column only the rows have (schema drift) still shows, at the end.
  const names = preview.columns.map((c) => c.name);
  for (const row of rows) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
  const first = options.offset + 1;
  const range = rows.length === 0 ? `no rows from row ${first}` : `rows ${first}-${options.offset + rows.length}`;
  const header = `${preview.dataset} version ${version.id} (run ${version.runId}, task ${version.taskId}, ${version.status}): ${range} of ${version.rows}`;
  if (rows.length === 0) return header;
  const cells = rows.map((row) => names.map((n) => formatCell(row[n], options.width)));
  return `${header}\n\n${formatTable(names, cells)}`;
}
