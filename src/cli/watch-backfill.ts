/**
 * Shared end of `pipeline backfill` and `backfill resume`: follow the backfill, printing a
 * progress line whenever it changes, and set the exit code from the outcome (0 when every
 * partition succeeded, 1 otherwise). Ctrl-C in local mode cancels the backfill, since its runs
 * live in this process; in remote mode it only stops following.
 */
import type { BackfillDetail } from '../scheduler/backfill-progress.ts';
import type { CliBackend } from './backend.ts';
import { backfillProgressLine } from './format/backfill-detail.ts';
import { humanStream, printJson } from './output.ts';

/** Follows the backfill to its end; resolves with its final detail. */
export async function watchBackfill(backend: CliBackend, id: string, options: { json?: boolean } = {}): Promise<BackfillDetail> {
  const out = humanStream(options.json);
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (backend.mode === 'remote' || interrupts > 1) {
      const note = backend.mode === 'remote' ? `; backfill ${id} carries on on the server` : '';
      process.stderr.write(`\nstopped following${note}\n`);
      process.exit(130);
    }
    process.stderr.write(`\ncancelling backfill ${id} (press Ctrl-C again to quit at once)\n`);
    backend.cancelBackfill(id).catch((error: unknown) => process.stderr.write(`could not cancel: ${String(error)}\n`));
  };
  process.on('SIGINT', onInterrupt);
  let last = '';
  try {
    const detail = await backend.followBackfill(id, (d) => {
      const line = backfillProgressLine(d);
      if (line !== last) out.write(`${line}\n`);
      last = line;
    });
    const failed = detail.partitions.filter((p) => p.status === 'failed');
    if (failed.length > 0) {
      out.write(`failed partitions: ${failed.map((p) => p.partitionKey).join(', ')}\n`);
      out.write(`fix the cause, then: datadog backfill resume ${id}\n`);
    }
    if (options.json) printJson(detail);
    process.exitCode = detail.backfill.status === 'succeeded' ? 0 : 1;
    return detail;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
