/**
 * One colour and label per run and task status, used by badges, DAG nodes, the Gantt chart
 * and the overview chart alike; each colour reads on both themes.
 */
import type { RunStatus, TaskStatus } from './api/types.ts';

export type AnyStatus = RunStatus | TaskStatus;

export const STATUS_COLORS: Record<AnyStatus, string> = {
  pending: '#8c96a8',
  queued: '#7c8db5',
  running: '#3b82f6',
  up_for_retry: '#e6a23c',
  succeeded: '#22a06b',
  failed: '#e5484d',
  skipped: '#a3acb9',
  upstream_failed: '#f07b3f',
  cancelled: '#9b7ede',
};

/** Statuses that are still moving (drawn with a pulse). */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['queued', 'running', 'up_for_retry']);

export function statusColor(status: string | undefined | null): string {
  return STATUS_COLORS[(status ?? 'pending') as AnyStatus] ?? STATUS_COLORS.pending;
}

export function statusLabel(status: string | undefined | null): string {
  return (status ?? 'unknown').replace(/_/g, ' ');
}
