/** A run or task status as a coloured pill with its name (never colour alone). */
import type { CSSProperties } from 'react';
import { ACTIVE_STATUSES, statusColor, statusLabel } from '../status.ts';

export function StatusBadge({ status, small = false }: { status: string | null | undefined; small?: boolean }) {
  if (!status) return <span className="muted">—</span>;
  return (
    <span className={`badge${small ? ' badge-small' : ''}${ACTIVE_STATUSES.has(status) ? ' badge-active' : ''}`} style={{ '--status': statusColor(status) } as CSSProperties} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}
