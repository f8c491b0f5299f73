/**
 * A tiny history router: the routes of the UI, a hook that follows the location, and a Link
 * that navigates without reloading. The server answers every non-API path with index.html,
 * so deep links and reloads work.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

export type Route =
  | { name: 'overview' }
  | { name: 'pipelines' }
  | { name: 'pipeline'; id: string }
  | { name: 'run'; id: string }
  | { name: 'datasets' }
  | { name: 'dataset'; dataset: string }
  | { name: 'connectors' }
  | { name: 'workers' }
  | { name: 'not-found'; path: string };

/** Links to every page. */
export const paths = {
  overview: () => '/',
  pipelines: () => '/pipelines',
  pipeline: (id: string) => `/pipelines/${encodeURIComponent(id)}`,
  run: (id: string) => `/runs/${encodeURIComponent(id)}`,
  datasets: () => '/datasets',
  dataset: (name: string) => `/datasets/${encodeURIComponent(name)}`,
  connectors: () => '/connectors',
  workers: () => '/workers',
};

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function parseRoute(pathname: string): Route {
  const parts = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  const [head, arg, ...rest] = parts;
  if (rest.length > 0) return { name: 'not-found', path: pathname };
  if (head === undefined) return { name: 'overview' };
  if (head === 'pipelines') return arg === undefined ? { name: 'pipelines' } : { name: 'pipeline', id: decode(arg) };
  if (head === 'runs' && arg !== undefined) return { name: 'run', id: decode(arg) };
  if (head === 'datasets') return arg === undefined ? { name: 'datasets' } : { name: 'dataset', dataset: decode(arg) };
  if (head === 'connectors' && arg === undefined) return { name: 'connectors' };
  if (head === 'workers' && arg === undefined) return { name: 'workers' };
  return { name: 'not-found', path: pathname };
}

const CHANGE = 'datadog:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

/** Goes to `href` within the app (no reload). */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
  if (!options.replace) window.scrollTo(0, 0);
}

/** The current location, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, 'http://local');
  return { pathname: url.pathname, search: url.searchParams };
}

/** Sets (or with null, removes) one query parameter of the current location, in place. */
export function setSearchParam(name: string, value: string | null): void {
  const url = new URL(window.location.href);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  navigate(url.pathname + url.search, { replace: true });
}

export type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ReactNode };

/** An anchor that navigates in the app on a plain click and behaves as a link otherwise. */
export function Link({ href, onClick, children, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
