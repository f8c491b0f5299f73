/** The versions of a pipeline, and the diff between two of them. */
import { useState } from 'react';
import { usePipelineDiff, usePipelineVersions } from '../api/queries.ts';
import { formatTime, shortId } from '../format.ts';
import { Empty, ErrorState, Loading } from './states.tsx';

function DiffView({ pipelineId, from, to }: { pipelineId: string; from: string; to: string }) {
  const diff = usePipelineDiff(pipelineId, from, to);
  if (diff.error) return <ErrorState error={diff.error} compact />;
  if (!diff.data) return <Loading rows={2} />;
  const { unified, summary } = diff.data;
  if (!unified.trim()) return <Empty title="No differences" />;
  const lines = unified.replace(/\n$/, '').split('\n');
  const parts = [
    summary.tasksAdded.length ? `added tasks ${summary.tasksAdded.join(', ')}` : '',
    summary.tasksRemoved.length ? `removed tasks ${summary.tasksRemoved.join(', ')}` : '',
    summary.tasksChanged.length ? `changed tasks ${summary.tasksChanged.join(', ')}` : '',
    summary.fieldsChanged.length ? `changed ${summary.fieldsChanged.join(', ')}` : '',
  ].filter(Boolean);
  const summaryText = parts.join(' · ');
  const lineClass = (line: string): string => {
    if (line.startsWith('+') && !line.startsWith('+++')) return 'd-add';
    if (line.startsWith('-') && !line.startsWith('---')) return 'd-del';
    return line.startsWith('@@') ? 'd-hunk' : '';
  };
  return (
    <>
      {summaryText ? <p className="diff-summary">{summaryText.charAt(0).toUpperCase() + summaryText.slice(1)}</p> : null}
      <pre className="code diff" aria-label={`Changes from ${shortId(from)} to ${shortId(to)}`} tabIndex={0}>
        {lines.map((line, i) => (
          <div key={i} className={lineClass(line)}>
            {line || ' '}
          </div>
        ))}
      </pre>
    </>
  );
}

export function VersionsPanel({ pipelineId, currentVersion }: { pipelineId: string; currentVersion: string }) {
  const versions = usePipelineVersions(pipelineId);
  const [compare, setCompare] = useState<string | null>(null);
  if (versions.error) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} compact />;
  if (!versions.data) return <Loading />;
  if (versions.data.length === 0) return <Empty title="No versions recorded" />;
  return (
    <div className="versions">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Registered</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.data.map((v) => {
            const current = v.version === currentVersion || v.current;
            return (
              <tr key={v.version} className={compare === v.version ? 'is-selected' : undefined}>
                <td>
                  <span className="mono" title={v.version}>
                    {shortId(v.version, 12)}
                  </span>
                  {current ? <span className="tag tag-accent">current</span> : null}
                </td>
                <td>{formatTime(v.createdAt)}</td>
                <td className="num">
                  {current ? null : (
                    <button type="button" className="btn btn-small" aria-pressed={compare === v.version} onClick={() => setCompare(compare === v.version ? null : v.version)}>
                      {compare === v.version ? 'Hide changes' : `Compare with current`}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {compare ? <DiffView pipelineId={pipelineId} from={compare} to={currentVersion} /> : null}
    </div>
  );
}
