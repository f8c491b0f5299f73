/** Pipelines: searchable list with tags, last status and duration, next scheduled run. */
import { useMemo, useState } from 'react';
import { useLiveEvents } from '../api/live-events.ts';
import { isActiveRun, useLatestRuns, usePipelines } from '../api/queries.ts';
import type { LastRunSummary, PipelineListItem, Run } from '../api/types.ts';
import { LiveBadge } from '../components/live-badge.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { durationBetween, formatDuration, formatRelative, formatTime } from '../format.ts';
import { Link, paths } from '../router.tsx';
import { useNow } from '../use-now.ts';

interface Row {
  pipeline: PipelineListItem;
  lastStatus: string | null;
  lastRunId: string | null;
  lastDurationMs: number | null;
  lastAt: string | null;
  nextRun: string | null;
}

function rowOf(pipeline: PipelineListItem, fallback: Run | undefined, now: number): Row {
  const last: LastRunSummary | null = pipeline.lastRun ?? fallback ?? null;
  const duration = last ? (typeof last.durationMs === 'number' ? last.durationMs : durationBetween(last.startedAt, last.finishedAt, now)) : null;
  return {
    pipeline,
    lastStatus: last?.status ?? null,
    lastRunId: last?.id ?? null,
    lastDurationMs: duration,
    lastAt: last ? (last.startedAt ?? last.createdAt ?? null) : null,
    nextRun: pipeline.nextScheduledRun ?? null,
  };
}

function matches(pipeline: PipelineListItem, search: string, tag: string | null): boolean {
  if (tag && !pipeline.tags.includes(tag)) return false;
  if (!search) return true;
  const needle = search.toLowerCase();
  return [pipeline.id, pipeline.name, pipeline.description, ...pipeline.tags].some((text) => text.toLowerCase().includes(needle));
}

export function PipelinesPage() {
  const live = useLiveEvents({});
  const poll = live.state !== 'live';
  const list = usePipelines(poll);
  const pipelines = useMemo(() => list.data?.pipelines ?? [], [list.data]);
  // Older servers list pipelines without their last run: look it up among the latest runs.
  const needRuns = list.data !== undefined && pipelines.length > 0 && !pipelines.some((p) => 'lastRun' in p);
  const runs = useLatestRuns(needRuns, poll);
  const [search, setSearch] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  const anyActive = pipelines.some((p) => isActiveRun(p.lastRun)) || (runs.data?.runs ?? []).some(isActiveRun);
  const now = useNow(anyActive);

  const lastRuns = useMemo(() => {
    const map = new Map<string, Run>();
    for (const run of runs.data?.runs ?? []) if (!map.has(run.pipelineId)) map.set(run.pipelineId, run);
    return map;
  }, [runs.data]);
  const tags = useMemo(() => [...new Set(pipelines.flatMap((p) => p.tags))].sort(), [pipelines]);
  const rows = pipelines.filter((p) => matches(p, search.trim(), tag)).map((p) => rowOf(p, lastRuns.get(p.id), now));

  return (
    <>
      <PageHeader title="Pipelines" subtitle={list.data ? `${pipelines.length} registered` : undefined} actions={<LiveBadge state={live.state} />} />
      <Card>
        <div className="toolbar">
          <input type="search" className="input search" placeholder="Search by id, name, description or tag" aria-label="Search pipelines" value={search} onChange={(e) => setSearch(e.target.value)} />
          {tags.length > 0 ? (
            <div className="tag-filter" role="group" aria-label="Filter by tag">
              {tags.map((t) => (
                <button key={t} type="button" className={`tag tag-button${tag === t ? ' is-on' : ''}`} aria-pressed={tag === t} onClick={() => setTag(tag === t ? null : t)}>
                  {t}
                </button>
              ))}
            </div>
          ) : null}
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.data ? (
          <Loading rows={5} />
        ) : pipelines.length === 0 ? (
          <Empty title="No pipelines yet" icon="⎇">
            Register one with <code>datadog pipeline create pipelines/my.yaml</code> or <code>POST /api/v1/pipelines</code>.
          </Empty>
        ) : rows.length === 0 ? (
          <Empty title="No pipeline matches" icon="⌕">
            Nothing matches{search ? ` “${search}”` : ''}
            {tag ? ` with tag ${tag}` : ''}.{' '}
            <button
              type="button"
              className="link-btn"
              onClick={() => {
                setSearch('');
                setTag(null);
              }}
            >
              Clear filters
            </button>
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Pipeline</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Last status</th>
                  <th scope="col" className="num">
                    Last duration
                  </th>
                  <th scope="col">Last run</th>
                  <th scope="col">Next scheduled run</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.pipeline.id}>
                    <td>
                      <Link href={paths.pipeline(row.pipeline.id)} className="strong">
                        {row.pipeline.name || row.pipeline.id}
                      </Link>
                      <div className="muted small">
                        <span className="mono">{row.pipeline.id}</span>
                        {row.pipeline.description ? ` · ${row.pipeline.description}` : ''}
                      </div>
                    </td>
                    <td>
                      <div className="tags">
                        {row.pipeline.tags.map((t) => (
                          <span key={t} className="tag">
                            {t}
                          </span>
                        ))}
                      </div>
                    </td>
                    <td>{row.lastStatus ? <StatusBadge status={row.lastStatus} /> : <span className="muted">never run</span>}</td>
                    <td className="num">{formatDuration(row.lastDurationMs)}</td>
                    <td>
                      {row.lastRunId ? (
                        <Link href={paths.run(row.lastRunId)} title={formatTime(row.lastAt)}>
                          {formatRelative(row.lastAt, now)}
                        </Link>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td title={row.nextRun ? formatTime(row.nextRun) : undefined}>{row.nextRun ? formatRelative(row.nextRun, now) : <span className="muted">not scheduled</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
