/**
 * The designed states every data view goes through: loading, empty and error. An error says
 * what failed and offers a retry; a route the server does not have yet says so plainly.
 */
import type { ReactNode } from 'react';
import { ApiError } from '../api/api-client.ts';

export function Loading({ label = 'Loading…', rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite" aria-busy="true">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${90 - i * 15}%` }} />
      ))}
    </div>
  );
}

export function Empty({ title, children, icon = '∅' }: { title: string; children?: ReactNode; icon?: string }) {
  return (
    <div className="state state-empty" role="status">
      <div className="state-icon" aria-hidden="true">
        {icon}
      </div>
      <div className="state-title">{title}</div>
      {children ? <div className="state-body">{children}</div> : null}
    </div>
  );
}

/** What to tell a person about a failed request. */
function describe(error: unknown): { title: string; body: string } {
  if (error instanceof ApiError) {
    if (error.isMissingRoute) return { title: 'Not available on this server', body: 'This server does not offer this view yet. Upgrade the server to see it.' };
    if (error.status === 404) return { title: 'Not found', body: error.message };
    if (error.code === 'NETWORK') return { title: 'Server unreachable', body: error.message };
    return { title: `Request failed (${error.code})`, body: error.message };
  }
  return { title: 'Something went wrong', body: error instanceof Error ? error.message : String(error) };
}

export function ErrorState({ error, onRetry, compact = false }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const { title, body } = describe(error);
  return (
    <div className={`state state-error${compact ? ' compact' : ''}`} role="alert">
      <div className="state-icon" aria-hidden="true">
        !
      </div>
      <div className="state-title">{title}</div>
      <div className="state-body">{body}</div>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Renders loading, error or the content of a query, in one line at the call site. */
export function QueryView<T>({
  query,
  children,
  loading,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
  loading?: ReactNode;
}) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <>{loading ?? <Loading />}</>;
}
