/** The title row of a page: breadcrumbs, title, a subtitle and actions on the right. */
import type { ReactNode } from 'react';
import { Link } from '../router.tsx';

export interface Crumb {
  label: string;
  href: string;
}

export function PageHeader({ title, crumbs = [], subtitle, actions }: { title: ReactNode; crumbs?: Crumb[]; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-header-text">
        {crumbs.length > 0 ? (
          <nav aria-label="Breadcrumb" className="crumbs">
            {crumbs.map((crumb) => (
              <span key={crumb.href}>
                <Link href={crumb.href}>{crumb.label}</Link>
                <span aria-hidden="true"> / </span>
              </span>
            ))}
          </nav>
        ) : null}
        <h1>{title}</h1>
        {subtitle ? <div className="page-subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

/** A titled panel of a page. */
export function Card({ title, actions, children, className = '', id }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={`card ${className}`} aria-labelledby={headingId} id={id}>
      {title || actions ? (
        <div className="card-header">
          {title ? <h2 id={headingId}>{title}</h2> : <span />}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      <div className="card-body">{children}</div>
    </section>
  );
}
