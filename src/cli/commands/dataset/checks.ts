/**
 * `datadog dataset checks NAME`: the data quality check results of a dataset, newest first,
 * grouped by the version checked, with samples of the failing rows. `--run` keeps one run's.
 */
import { Command } from 'commander';
import type { CheckResultRecord, CheckStatus } from '../../../store/store.ts';
import { createAnsi, shouldColor, type Ansi, type AnsiStyle } from '../../ansi.ts';
import type { GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { DEFAULT_CELL_WIDTH, formatCell } from '../../format/cell-value.ts';
import { localTime } from '../../format/local-time.ts';
import { formatTable } from '../../format/table.ts';
import { intOption } from '../../int-option.ts';
import { printJson } from '../../output.ts';

interface ChecksOptions {
  run?: string;
  limit: number;
  json?: boolean;
}

const STATUS_STYLE: Record<CheckStatus, AnsiStyle> = { pass: 'green', warn: 'yellow', fail: 'red' };

/** Builds the `dataset checks` command. */
export function datasetChecksCommand(): Command {
  return new Command('checks')
    .description('show the data quality check results of a dataset, with samples of failing rows')
    .argument('<name>', 'the dataset')
    .option('-r, --run <run-id>', 'only the checks run in this run')
    .option('-l, --limit <n>', 'most results, newest first', intOption(1, 500), 50)
    .option('--json', 'print the results as a JSON array')
    .action(async (name: string, options: ChecksOptions, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const results = await backend.listCheckResults(name, { limit: options.limit, ...(options.run !== undefined ? { runId: options.run } : {}) });
        if (options.json) return printJson(results);
        if (results.length === 0) {
          process.stdout.write(`no check results for ${name}${options.run ? ` in run ${options.run}` : ''}; add checks: [...] to the task that writes it\n`);
          return;
        }
        process.stdout.write(`${formatResults(results, createAnsi(shouldColor(process.stdout)))}\n`);
      });
    });
}

/** One block per version checked: a table of its checks, then samples of those that did not pass. */
function formatResults(results: CheckResultRecord[], ansi: Ansi): string {
  const groups = new Map<string, CheckResultRecord[]>();
  for (const r of results) {
    const key = `${r.versionId}\u0000${r.runId}\u0000${r.taskId}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const blocks: string[] = [];
  for (const group of groups.values()) {
    const first = group[0] as CheckResultRecord;
    const lines = [`${first.dataset} version ${first.versionId} (run ${first.runId}, task ${first.taskId}) checked ${localTime(first.createdAt)}`, ''];
    const rows = group.map((r) => [`  ${r.name}`, r.severity, ansi.style(STATUS_STYLE[r.status], r.status), String(r.failingRows), r.message]);
    lines.push(formatTable(['  CHECK', 'SEVERITY', 'STATUS', 'FAILING', 'MESSAGE'], rows));
    for (const r of group) {
      if (r.status === 'pass' || r.sample.length === 0) continue;
      const columns = [...new Set(r.sample.flatMap((row) => Object.keys(row)))];
      const cells = r.sample.map((row) => columns.map((c, i) => `${i === 0 ? '    ' : ''}${formatCell(row[c], DEFAULT_CELL_WIDTH)}`));
      lines.push('', `  sample of ${r.name}:`, formatTable(columns.map((c, i) => (i === 0 ? `    ${c}` : c)), cells));
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}
