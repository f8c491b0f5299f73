/**
 * Shared end of `pipeline run` and `pipeline rerun`: follow the started run with the progress
 * display, print the summary, and set the exit code from the outcome (0 succeeded, 1 failed or
 * cancelled). Ctrl-C in local mode cancels the run, since it lives in this process; in remote
 * mode it only stops following, and the run carries on on the server.
 */
import type { RunRecord } from '../store/store.ts';
import type { CliBackend, RunDetail } from './backend.ts';
import { humanStream, printJson } from './output.ts';
import { ProgressDisplay } from './progress-display.ts';

export interface WatchRunOptions {
  json?: boolean;
  /** Print the tasks' output lines as they come. */
  logs?: boolean;
}

/** Follows the run to its end; resolves with its final detail. */
export async function watchRun(backend: CliBackend, run: RunRecord, options: WatchRunOptions = {}): Promise<RunDetail> {
  const out = humanStream(options.json);
  const display = new ProgressDisplay({ stream: out, showLogs: Boolean(options.logs) });
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (backend.mode === 'remote' || interrupts > 1) {
      display.stop();
      const note = backend.mode === 'remote' ? `; run ${run.id} carries on on the server` : '';
      process.stderr.write(`\nstopped following${note}\n`);
      process.exit(130);
    }
    process.stderr.write(`\ncancelling run ${run.id} (press Ctrl-C again to quit at once)\n`);
    backend.cancelRun(run.id).catch((error: unknown) => process.stderr.write(`could not cancel: ${String(error)}\n`));
  };
  process.on('SIGINT', onInterrupt);
  try {
    const detail = await backend.followRun(run.id, display);
    display.finish(detail);
    if (options.json) printJson(detail);
    process.exitCode = detail.run.status === 'succeeded' ? 0 : 1;
    return detail;
  } catch (error) {
    display.stop();
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
