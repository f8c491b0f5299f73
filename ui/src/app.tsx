/** The app shell: navigation, theme toggle and the page of the current route. */
import { useEffect, type ReactNode } from 'react';
import { ConnectorsPage } from './pages/connectors-page.tsx';
import { DatasetPage } from './pages/dataset-page.tsx';
import { DatasetsPage } from './pages/datasets-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { PipelinePage } from './pages/pipeline-page.tsx';
import { PipelinesPage } from './pages/pipelines-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { WorkersPage } from './pages/workers-page.tsx';
import { Link, parseRoute, paths, useLocation, type Route } from './router.tsx';
import { useTheme } from './theme.tsx';

const NAV: Array<{ label: string; href: string; match: Route['name'][] }> = [
  { label: 'Overview', href: paths.overview(), match: ['overview'] },
  { label: 'Pipelines', href: paths.pipelines(), match: ['pipelines', 'pipeline', 'run'] },
  { label: 'Datasets', href: paths.datasets(), match: ['datasets', 'dataset'] },
  { label: 'Connectors', href: paths.connectors(), match: ['connectors'] },
  { label: 'Workers', href: paths.workers(), match: ['workers'] },
];

function page(route: Route): { title: string; element: ReactNode } {
  switch (route.name) {
    case 'overview':
      return { title: 'Overview', element: <OverviewPage /> };
    case 'pipelines':
      return { title: 'Pipelines', element: <PipelinesPage /> };
    case 'pipeline':
      return { title: route.id, element: <PipelinePage key={route.id} id={route.id} /> };
    case 'run':
      return { title: `Run ${route.id.slice(0, 8)}`, element: <RunPage key={route.id} id={route.id} /> };
    case 'datasets':
      return { title: 'Datasets', element: <DatasetsPage /> };
    case 'dataset':
      return { title: route.dataset, element: <DatasetPage key={route.dataset} name={route.dataset} /> };
    case 'connectors':
      return { title: 'Connectors', element: <ConnectorsPage /> };
    case 'workers':
      return { title: 'Workers', element: <WorkersPage /> };
    case 'not-found':
      return { title: 'Not found', element: <NotFoundPage path={route.path} /> };
  }
}

function ThemeToggle() {
  const { theme, toggle } = useTheme();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="icon-btn" onClick={toggle} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
    </button>
  );
}

export function App() {
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  const { title, element } = page(route);

  useEffect(() => {
    document.title = `${title} · DataDog Platform`;
  }, [title]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href={paths.overview()} className="brand" aria-label="DataDog Platform home">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="brand-name">DataDog Platform</span>
        </Link>
        <nav aria-label="Main" className="nav">
          {NAV.map((item) => {
            const current = item.match.includes(route.name);
            return (
              <Link key={item.href} href={item.href} className={current ? 'nav-link is-current' : 'nav-link'} aria-current={current ? 'page' : undefined}>
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="topbar-end">
          <a className="nav-link" href="/docs">
            API reference
          </a>
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {element}
      </main>
    </div>
  );
}
