/** Tells whether the page follows live events or falls back to polling. */
import type { LiveState } from '../api/live-events.ts';

const TEXT: Record<LiveState, { label: string; title: string }> = {
  live: { label: 'Live', title: 'Updates stream from the server as they happen' },
  connecting: { label: 'Connecting…', title: 'Opening the live event stream' },
  unavailable: { label: 'Polling', title: 'The live event stream is unavailable; the page refreshes every few seconds' },
};

export function LiveBadge({ state }: { state: LiveState }) {
  const { label, title } = TEXT[state];
  return (
    <span className={`live-badge live-${state}`} title={title} role="status" aria-label={`Live updates: ${label}`}>
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
