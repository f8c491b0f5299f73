/**
 * `datadog pipeline logs RUN_ID`: the output lines of a run's tasks, `[task attempt] line`.
 * With --follow it keeps printing new lines until the run has finished.
 */
import { Command } from 'commander';
import { isTerminalRunStatus } from '../../../core/statuses.ts';
import type { CliBackend, GlobalOptions } from '../../backend.ts';
import { withBackend } from '../../create-backend.ts';

interface LogsOptions {
  task?: string;
  follow?: boolean;
}

const PAGE = 1000;
const POLL_MS = 300;

/** Builds the `pipeline logs` command. */
export function pipelineLogsCommand(): Command {
  return new Command('logs')
    .description("print a run's task output as [task attempt] line")
    .argument('<run-id>', 'the run')
    .option('-t, --task <task-id>', 'only this task')
    .option('-f, --follow', 'keep printing new lines until the run has finished')
    .action(async (runId: string, options: LogsOptions, command: Command) => {
      await withBackend(command.optsWithGlobals<GlobalOptions>(), (backend) => printLogs(backend, runId, options));
    });
}

async function printLogs(backend: CliBackend, runId: string, options: LogsOptions): Promise<void> {
  let after: number | undefined;
  const drain = async (): Promise<void> => {
    for (;;) {
      const page = await backend.getLogs(runId, { limit: PAGE, ...(options.task ? { task: options.task } : {}), ...(after !== undefined ? { after } : {}) });
      const text = page.logs.map((log) => `[${log.taskId} ${log.attempt}] ${log.message}\n`).join('');
      if (text) process.stdout.write(text);
      after = page.nextAfter ?? page.logs[page.logs.length - 1]?.id ?? after;
      if (page.logs.length < PAGE) return;
    }
  };
  if (!options.follow) return drain();
  for (;;) {
    // Status before logs: once the run is seen finished, one more drain gets every last line.
    const { run } = await backend.getRun(runId);
    await drain();
    if (isTerminalRunStatus(run.status)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
