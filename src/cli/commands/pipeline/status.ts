/** `datadog pipeline status RUN_ID`: a run's state with one row per task. */
import { Command } from 'commander';
import { formatDuration } from '../../../core/duration.ts';
import { createAnsi, shouldColor } from '../../ansi.ts';
import type { GlobalOptions, RunDetail } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';
import { localTime } from '../../format/local-time.ts';
import { formatRunSummary } from '../../format/run-summary.ts';
import { statusSymbol, statusText } from '../../format/status-style.ts';
import { formatTable } from '../../format/table.ts';
import { printJson } from '../../output.ts';

/** Builds the `pipeline status` command. */
export function pipelineStatusCommand(): Command {
  return new Command('status')
    .description("show a run's status and its tasks")
    .argument('<run-id>', 'the run')
    .option('--json', 'print the run, its task runs and attempts as JSON')
    .action(async (runId: string, options: { json?: boolean }, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), async (backend) => {
        const detail = await backend.getRun(runId);
        if (options.json) return printJson(detail);
        process.stdout.write(`${formatStatus(detail)}\n`);
      });
    });
}

function formatStatus(detail: RunDetail): string {
  const ansi = createAnsi(shouldColor(process.stdout));
  const { run } = detail;
  const params = Object.keys(run.params).length > 0 ? `  params ${JSON.stringify(run.params)}` : '';
  const parent = run.parentRunId ? `  re-run of ${run.parentRunId}` : '';
  const header = [
    ...formatRunSummary(detail, ansi),
    `version ${run.pipelineVersion}  trigger ${run.trigger}  created ${localTime(run.createdAt)}${parent}${params}`,
    '',
  ];
  const rows = detail.tasks.map((task) => {
    const started = task.startedAt ? Date.parse(task.startedAt) : undefined;
    const ended = task.finishedAt ? Date.parse(task.finishedAt) : task.status === 'running' ? Date.now() : undefined;
    const duration = started !== undefined && ended !== undefined ? formatDuration(Math.max(0, ended - started)) : '';
    const note = task.reusedFromRunId ? `reused from run ${task.reusedFromRunId}` : task.status === 'succeeded' ? '' : (task.error ?? '');
    return [`${statusSymbol(ansi, task.status)} ${task.taskId}`, statusText(ansi, task.status), String(task.attempts), duration, note];
  });
  return [...header, formatTable(['  TASK', 'STATUS', 'ATTEMPTS', 'DURATION', 'NOTE'], rows)].join('\n');
}
