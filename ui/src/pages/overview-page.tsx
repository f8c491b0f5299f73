/** Overview: runs over time by status, success rate, durations, runs in progress, recent failures. */
import { useMemo } from 'react';
import { useLiveEvents } from '../api/live-events.ts';
import { useOverview, useRuns } from '../api/queries.ts';
import type { RunsBucket } from '../api/types.ts';
import { EChart, type EChartOption } from '../components/echart.tsx';
import { LiveBadge } from '../components/live-badge.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { RunsTable } from '../components/runs-table.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatCount, formatDuration, formatPercent, formatRelative, shortId } from '../format.ts';
import { Link, paths } from '../router.tsx';
import { STATUS_COLORS } from '../status.ts';
import { chartColors, useTheme, type Theme } from '../theme.tsx';

const SERIES: Array<keyof Omit<RunsBucket, 'bucket'>> = ['succeeded', 'failed', 'cancelled', 'running'];

function bucketLabel(iso: string, hourly: boolean): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Intl.DateTimeFormat(undefined, hourly ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(ms);
}

function runsChart(buckets: RunsBucket[], theme: Theme): EChartOption {
  const colors = chartColors(theme);
  const times = buckets.map((b) => Date.parse(b.bucket)).filter(Number.isFinite);
  const step = times.length > 1 ? Math.abs((times[1] as number) - (times[0] as number)) : 3_600_000;
  const hourly = step < 86_400_000;
  return {
    backgroundColor: 'transparent',
    textStyle: { color: colors.text, fontFamily: 'inherit' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, backgroundColor: colors.tooltipBg, borderColor: colors.axis, textStyle: { color: colors.text } },
    legend: { top: 0, right: 0, textStyle: { color: colors.muted }, itemWidth: 12, itemHeight: 8 },
    grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
    xAxis: {
      type: 'category',
      data: buckets.map((b) => bucketLabel(b.bucket, hourly)),
      axisLine: { lineStyle: { color: colors.axis } },
      axisLabel: { color: colors.muted, hideOverlap: true },
      axisTick: { show: false },
    },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: colors.grid } }, axisLabel: { color: colors.muted } },
    series: SERIES.map((name) => ({
      name,
      type: 'bar',
      stack: 'runs',
      barMaxWidth: 28,
      itemStyle: { color: STATUS_COLORS[name] },
      emphasis: { focus: 'series' },
      data: buckets.map((b) => b[name] ?? 0),
    })),
  };
}

function Kpi({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="kpi" role="group" aria-label={label}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {hint ? <div className="kpi-hint">{hint}</div> : null}
    </div>
  );
}

export function OverviewPage() {
  const live = useLiveEvents({});
  const overview = useOverview(live.state !== 'live');
  const recent = useRuns({ limit: 8 }, live.state !== 'live');
  const { theme } = useTheme();
  const data = overview.data;
  const option = useMemo(() => (data ? runsChart(data.runsOverTime ?? [], theme) : null), [data, theme]);
  const total = data ? Object.values(data.runsByStatus ?? {}).reduce((sum, n) => sum + (n ?? 0), 0) : 0;

  return (
    <>
      <PageHeader title="Overview" subtitle="How your pipelines are doing" actions={<LiveBadge state={live.state} />} />
      {overview.error && !data ? <ErrorState error={overview.error} onRetry={() => void overview.refetch()} /> : null}
      {!data && !overview.error ? <Loading rows={4} /> : null}
      {data ? (
        <>
          <div className="kpis">
            <Kpi label="Success rate" value={formatPercent(data.successRate)} hint={`${formatCount(total)} runs`} />
            <Kpi label="Duration p50" value={formatDuration(data.durations?.p50Ms)} hint="median run" />
            <Kpi label="Duration p95" value={formatDuration(data.durations?.p95Ms)} hint="slowest 5%" />
            <Kpi label="In progress" value={formatCount(data.inProgress.length)} hint="queued or running" />
          </div>
          <div className="grid-2">
            <Card title="Runs over time" id="runs-over-time" actions={data.derived ? <span className="muted small">from the latest 500 runs</span> : undefined}>
              {total === 0 ? (
                <Empty title="No runs yet" icon="▦">
                  Start one from a <Link href={paths.pipelines()}>pipeline</Link>.
                </Empty>
              ) : option ? (
                <EChart option={option} height={260} label="Runs over time, stacked by status" />
              ) : null}
              <div className="status-counts" aria-label="Runs by status">
                {Object.entries(data.runsByStatus ?? {}).map(([status, n]) => (
                  <span key={status} className="status-count">
                    <StatusBadge status={status} small /> {formatCount(n)}
                  </span>
                ))}
              </div>
            </Card>
            <Card title="Recent failures" id="recent-failures">
              {data.recentFailures.length === 0 ? (
                <Empty title="No recent failures" icon="✓" />
              ) : (
                <ul className="failure-list">
                  {data.recentFailures.map((f) => (
                    <li key={f.id}>
                      <div className="failure-head">
                        <Link href={paths.pipeline(f.pipelineId)}>{f.pipelineId}</Link>
                        <Link href={paths.run(f.id)} className="mono" aria-label={`Failed run ${f.id}`}>
                          {shortId(f.id)}
                        </Link>
                        <span className="muted small">{formatRelative(f.finishedAt ?? f.createdAt)}</span>
                      </div>
                      {f.error ? <div className="failure-error">{f.error}</div> : null}
                    </li>
                  ))}
                </ul>
              )}
            </Card>
          </div>
        </>
      ) : null}
      <Card title="Latest runs" id="latest-runs">
        {recent.data ? (
          recent.data.runs.length === 0 ? (
            <Empty title="No runs yet" icon="▷" />
          ) : (
            <RunsTable runs={recent.data.runs} showPipeline />
          )
        ) : recent.error ? (
          <ErrorState error={recent.error} onRetry={() => void recent.refetch()} compact />
        ) : (
          <Loading />
        )}
      </Card>
    </>
  );
}
