/** How a backfill reads in the terminal: one progress line, and a table of its partitions. */
import type { BackfillDetail } from '../../scheduler/backfill-progress.ts';
import { localTime } from './local-time.ts';
import { formatTable } from './table.ts';

/**
 * `backfill 1b2c…: 7/10 done (2 running, 1 failed)`.
 * @example
 * out.write(`${backfillProgressLine(detail)}\n`);
 */
export function backfillProgressLine(detail: BackfillDetail): string {
  const { progress: p, backfill } = detail;
  const parts = [p.running > 0 && `${p.running} running`, p.pending > 0 && `${p.pending} pending`, p.failed > 0 && `${p.failed} failed`, p.cancelled > 0 && `${p.cancelled} cancelled`].filter(Boolean);
  return `backfill ${backfill.id}: ${p.done}/${p.total} done${parts.length > 0 ? ` (${parts.join(', ')})` : ''} - ${backfill.status}`;
}

/** The backfill's facts and its partitions, for `backfill status`. */
export function formatBackfillDetail(detail: BackfillDetail): string {
  const { backfill: b } = detail;
  const head = [
    `backfill   ${b.id}`,
    `pipeline   ${b.pipelineId}`,
    `range      ${b.from} .. ${b.to} (${b.total} partition${b.total === 1 ? '' : 's'}, ${b.concurrency} at once)`,
    `status     ${b.status}${b.finishedAt ? ` at ${localTime(b.finishedAt)}` : ''}`,
    `created    ${localTime(b.createdAt)}`,
    `progress   ${backfillProgressLine(detail).replace(/^backfill \S+: /, '')}`,
  ];
  const rows = detail.partitions.map((p) => [p.partitionKey, p.status, p.runId ?? '-', p.previousRunId ?? '']);
  return `${head.join('\n')}\n\n${formatTable(['PARTITION', 'STATUS', 'RUN', 'RE-RUN OF'], rows)}`;
}
