/**
 * Data quality checks of a dataset: the results of the latest version checked (status, check,
 * severity, failing rows, message), each with its sample of failing rows to expand.
 */
import { Fragment, useState } from 'react';
import { useDatasetChecks } from '../api/queries.ts';
import type { CheckResult } from '../api/types.ts';
import { formatCount, formatRelative, formatTime, shortId } from '../format.ts';
import { Link, paths } from '../router.tsx';
import { Empty, ErrorState, Loading } from './states.tsx';

const STATUS_CLASS: Record<CheckResult['status'], string> = { pass: 'tag-ok', warn: 'tag-warn', fail: 'tag-bad' };
const STATUS_ICON: Record<CheckResult['status'], string> = { pass: '✓', warn: '!', fail: '✕' };

/** A check status as a coloured pill with an icon and its name (never colour alone). */
export function CheckStatusBadge({ status }: { status: CheckResult['status'] }) {
  return (
    <span className={`tag check-status ${STATUS_CLASS[status] ?? ''}`} data-check-status={status}>
      <span aria-hidden="true">{STATUS_ICON[status] ?? '?'}</span> {status}
    </span>
  );
}

function sampleValue(value: unknown) {
  if (value === null || value === undefined) return <span className="null">null</span>;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function SampleTable({ result }: { result: CheckResult }) {
  const columns = [...new Set(result.sample.flatMap((row) => Object.keys(row)))];
  if (result.sample.length === 0) return <p className="muted small">No sample recorded.</p>;
  return (
    <div className="table-wrap sample-wrap">
      <table className="table sample-table" aria-label={`Sample rows of ${result.name}`}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.sample.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c} className="mono">
                  {sampleValue(row[c])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResultsTable({ results }: { results: CheckResult[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const flip = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div className="table-wrap">
      <table className="table checks-table" aria-label="Latest check results">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Check</th>
            <th scope="col">Severity</th>
            <th scope="col" className="num">
              Failing rows
            </th>
            <th scope="col">Message</th>
            <th scope="col">
              <span className="sr-only">Sample</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => {
            const expanded = open.has(r.id);
            const sampleId = `check-sample-${r.id}`;
            return (
              <Fragment key={r.id}>
                <tr data-check={r.name}>
                  <td>
                    <CheckStatusBadge status={r.status} />
                  </td>
                  <td>
                    <div className="mono">{r.name}</div>
                    <div className="muted small">{r.type}</div>
                  </td>
                  <td>{r.severity}</td>
                  <td className="num">{formatCount(r.failingRows)}</td>
                  <td className="check-message">{r.message || <span className="muted">—</span>}</td>
                  <td className="num">
                    {r.sample.length > 0 ? (
                      <button type="button" className="btn btn-small" aria-expanded={expanded} aria-controls={sampleId} onClick={() => flip(r.id)} aria-label={`${expanded ? 'Hide' : 'Show'} sample of ${r.name}`}>
                        {expanded ? 'Hide sample' : `Sample · ${r.sample.length}`}
                      </button>
                    ) : null}
                  </td>
                </tr>
                {expanded ? (
                  <tr className="sample-row" id={sampleId}>
                    <td colSpan={6}>
                      <SampleTable result={r} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The results of the newest version checked; the header line says which version and run. */
export function ChecksPanel({ dataset }: { dataset: string }) {
  const checks = useDatasetChecks(dataset);
  if (checks.error) return <ErrorState error={checks.error} onRetry={() => void checks.refetch()} compact />;
  if (!checks.data) return <Loading rows={2} />;
  const newest = checks.data[0];
  if (!newest) {
    return (
      <Empty title="No checks recorded" icon="✓">
        Add <code>checks:</code> to the task that writes this dataset to test each new version.
      </Empty>
    );
  }
  const latest = checks.data.filter((r) => r.versionId === newest.versionId && r.runId === newest.runId);
  const counts = (['pass', 'warn', 'fail'] as const).map((s) => [s, latest.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  return (
    <>
      <p className="checks-summary small">
        {counts.map(([status, n]) => (
          <span key={status} className={`tag ${STATUS_CLASS[status]}`}>
            {n} {status}
          </span>
        ))}
        <span className="muted">
          {' '}
          on version <span className="mono" title={newest.versionId}>{shortId(newest.versionId)}</span> · run{' '}
          <Link href={paths.run(newest.runId)} className="mono" aria-label={`Run ${newest.runId}`}>
            {shortId(newest.runId)}
          </Link>{' '}
          · <span title={formatTime(newest.createdAt)}>{formatRelative(newest.createdAt)}</span>
        </span>
      </p>
      <ResultsTable results={latest} />
    </>
  );
}
