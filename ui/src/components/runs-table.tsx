/** A table of runs: id, pipeline, status, trigger, start and duration (ticking while running). */
import type { Run } from '../api/types.ts';
import { isActiveRun } from '../api/queries.ts';
import { durationBetween, formatDuration, formatRelative, formatTime, shortId } from '../format.ts';
import { Link, paths } from '../router.tsx';
import { useNow } from '../use-now.ts';
import { StatusBadge } from './status-badge.tsx';

export function RunsTable({ runs, showPipeline = false }: { runs: Run[]; showPipeline?: boolean }) {
  const now = useNow(runs.some(isActiveRun));
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            {showPipeline ? <th scope="col">Pipeline</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link href={paths.run(run.id)} className="mono" aria-label={`Run ${run.id}`}>
                  {shortId(run.id)}
                </Link>
              </td>
              {showPipeline ? (
                <td>
                  <Link href={paths.pipeline(run.pipelineId)}>{run.pipelineId}</Link>
                </td>
              ) : null}
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td className="muted">
                {run.trigger}
                {run.parentRunId ? (
                  <>
                    {' of '}
                    <Link href={paths.run(run.parentRunId)} className="mono">
                      {shortId(run.parentRunId)}
                    </Link>
                  </>
                ) : null}
              </td>
              <td title={formatTime(run.startedAt ?? run.createdAt)}>{formatRelative(run.startedAt ?? run.createdAt, now)}</td>
              <td className="num">{formatDuration(durationBetween(run.startedAt, run.finishedAt, now))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
