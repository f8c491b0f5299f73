/**
 * Run: the DAG with live task states, a timeline of attempts, the tasks with rows in and
 * out, the live logs and errors (with stacks) of the selected task, Cancel and Re-run.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { apiPost, seg } from '../api/api-client.ts';
import { useLiveEvents, type LiveEvents } from '../api/live-events.ts';
import { isActiveRun, usePipeline, usePipelineVersion, useRunDetail } from '../api/queries.ts';
import type { PipelineSpecView, RunDetail, RunResponse, TaskAttempt, TaskRun } from '../api/types.ts';
import { Gantt } from '../components/gantt.tsx';
import { LiveBadge } from '../components/live-badge.tsx';
import { LogViewer } from '../components/log-viewer.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { DagView, type DagNodeSpec } from '../dag/dag-view.tsx';
import { specGraph, type SpecGraph } from '../dag/spec-graph.ts';
import { durationBetween, formatCount, formatDuration, formatTime, shortId } from '../format.ts';
import { Link, navigate, paths, setSearchParam, useLocation } from '../router.tsx';
import { ACTIVE_STATUSES } from '../status.ts';
import { useNow } from '../use-now.ts';

interface RowCounts {
  rows_in?: unknown;
  rows_out?: unknown;
}

function rowsOf(task: TaskRun): { rowsIn: number | null; rowsOut: number | null } {
  const output = (task.output ?? null) as RowCounts | null;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { rowsIn: num(output?.rows_in), rowsOut: num(output?.rows_out) };
}

/**
 * The graph of the run's tasks from the spec of the version it ran; until that is known (or
 * if it cannot be read), the tasks of the run alone, without edges, so states still show.
 */
function runGraph(taskIds: readonly string[], spec: PipelineSpecView | null): SpecGraph {
  if (spec) return specGraph(spec);
  const nodes: DagNodeSpec[] = taskIds.map((id) => ({ id, label: id, sublabel: '', shape: 'task' }));
  return { nodes, edges: [] };
}

function AttemptErrors({ attempts }: { attempts: TaskAttempt[] }) {
  const failed = attempts.filter((a) => a.error || a.errorDetail);
  if (failed.length === 0) return null;
  return (
    <div className="attempt-errors">
      <h3>Errors</h3>
      {failed.map((a, i) => (
        <div key={a.attempt} className="error-block" role="group" aria-label={`Error of attempt ${a.attempt}`}>
          <div className="error-head">
            <span className="strong">Attempt {a.attempt}</span>
            <StatusBadge status={a.status} small />
            {a.errorCode ? <code className="error-code">{a.errorCode}</code> : null}
            {a.worker ? <span className="muted small">on {a.worker}</span> : null}
          </div>
          {a.error ? <div className="error-message">{a.error}</div> : null}
          {a.errorDetail ? (
            <details open={i === failed.length - 1}>
              <summary>Stack trace</summary>
              <pre className="code stack">{a.errorDetail}</pre>
            </details>
          ) : null}
        </div>
      ))}
    </div>
  );
}

function TaskPanel({ detail, taskId, live }: { detail: RunDetail; taskId: string; live: LiveEvents }) {
  const task = detail.tasks.find((t) => t.taskId === taskId);
  const attempts = useMemo(() => detail.attempts.filter((a) => a.taskId === taskId).sort((a, b) => a.attempt - b.attempt), [detail.attempts, taskId]);
  if (!task) return <p className="muted">This run has no task {taskId}.</p>;
  const { rowsIn, rowsOut } = rowsOf(task);
  return (
    <div className="task-panel">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={task.status} />
        </dd>
        <dt>Attempts</dt>
        <dd>{task.attempts}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(durationBetween(task.startedAt, task.finishedAt))}</dd>
        {rowsIn !== null || rowsOut !== null ? (
          <>
            <dt>Rows in / out</dt>
            <dd>
              {formatCount(rowsIn)} / {formatCount(rowsOut)}
            </dd>
          </>
        ) : null}
        {task.reusedFromRunId ? (
          <>
            <dt>Reused from</dt>
            <dd>
              <Link href={paths.run(task.reusedFromRunId)} className="mono">
                {shortId(task.reusedFromRunId)}
              </Link>
            </dd>
          </>
        ) : null}
        {task.nextAttemptAt ? (
          <>
            <dt>Next attempt</dt>
            <dd>{formatTime(task.nextAttemptAt)}</dd>
          </>
        ) : null}
      </dl>
      {task.error && attempts.every((a) => !a.error) ? (
        <div className="error-block" role="alert">
          <div className="error-message">{task.error}</div>
        </div>
      ) : null}
      <AttemptErrors attempts={attempts} />
      <h3>Logs</h3>
      <LogViewer runId={detail.run.id} taskId={taskId} live={live} active={ACTIVE_STATUSES.has(task.status)} />
    </div>
  );
}

function TasksTable({ tasks, selected, onSelect, now }: { tasks: TaskRun[]; selected: string | null; onSelect(id: string): void; now: number }) {
  return (
    <div className={`table-wrap tall${tasks.length > 200 ? ' many-rows' : ''}`}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Rows in
            </th>
            <th scope="col" className="num">
              Rows out
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => {
            const { rowsIn, rowsOut } = rowsOf(task);
            return (
              <tr key={task.taskId} className={selected === task.taskId ? 'is-selected' : undefined}>
                <td>
                  <button type="button" className="link-btn mono" aria-pressed={selected === task.taskId} aria-label={`Show task ${task.taskId}`} onClick={() => onSelect(task.taskId)}>
                    {task.taskId}
                  </button>
                  {task.reusedFromRunId ? <span className="tag">reused</span> : null}
                </td>
                <td>
                  <StatusBadge status={task.status} />
                </td>
                <td className="num">{task.attempts}</td>
                <td className="num">{formatDuration(durationBetween(task.startedAt, task.finishedAt, now))}</td>
                <td className="num">{formatCount(rowsIn)}</td>
                <td className="num">{formatCount(rowsOut)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RunBody({ detail, live }: { detail: RunDetail; live: LiveEvents }) {
  const { run } = detail;
  const client = useQueryClient();
  const pipeline = usePipeline(run.pipelineId);
  const { search } = useLocation();
  const active = isActiveRun(run);
  const now = useNow(active);
  const [actionError, setActionError] = useState<string | null>(null);
  const firstFailed = detail.tasks.find((t) => t.status === 'failed')?.taskId ?? null;
  const selected = search.get('task') ?? firstFailed;
  const select = (id: string): void => setSearchParam('task', id);

  // The current spec when the run used the current version, else the spec of the version it ran.
  const sameVersion = pipeline.data?.version === run.pipelineVersion;
  const olderVersion = usePipelineVersion(run.pipelineId, pipeline.data && !sameVersion ? run.pipelineVersion : null);
  const spec = ((sameVersion ? pipeline.data?.spec : olderVersion.data?.spec) ?? null) as PipelineSpecView | null;
  // Rebuilt when the spec or the set of tasks changes, not on every status change.
  const taskKey = detail.tasks.map((t) => t.taskId).join('\n');
  const graph = useMemo(() => runGraph(taskKey ? taskKey.split('\n') : [], spec), [taskKey, spec]);
  const statuses = useMemo(() => new Map(detail.tasks.map((t) => [t.taskId, t.status])), [detail.tasks]);
  // Tasks in the order of the spec (the order the pipeline's author wrote them), not by name.
  const orderedTasks = useMemo(() => {
    const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
    return [...detail.tasks].sort((a, b) => (index.get(a.taskId) ?? Infinity) - (index.get(b.taskId) ?? Infinity));
  }, [detail.tasks, graph]);

  const cancel = useMutation({
    mutationFn: () => apiPost<RunResponse>(`/executions/${seg(run.id)}/cancel`),
    onMutate: () => setActionError(null),
    onSuccess: ({ run: updated }) => {
      client.setQueryData<RunDetail>(['run', run.id], (old) => (old ? { ...old, run: updated } : old));
      void client.invalidateQueries({ queryKey: ['run', run.id] });
      void client.invalidateQueries({ queryKey: ['runs'] });
    },
    onError: (error) => setActionError(`Cancel failed: ${(error as Error).message}`),
  });
  const rerun = useMutation({
    mutationFn: () => apiPost<RunResponse>(`/executions/${seg(run.id)}/rerun`),
    onMutate: () => setActionError(null),
    onSuccess: ({ run: next }) => {
      void client.invalidateQueries({ queryKey: ['runs'] });
      navigate(paths.run(next.id));
    },
    onError: (error) => setActionError(`Re-run failed: ${(error as Error).message}`),
  });

  const canCancel = active && !run.cancelRequested;
  const canRerun = run.status === 'failed' || run.status === 'cancelled';
  const params = Object.entries(run.params ?? {});

  return (
    <>
      <PageHeader
        crumbs={[
          { label: 'Pipelines', href: paths.pipelines() },
          { label: run.pipelineId, href: paths.pipeline(run.pipelineId) },
        ]}
        title={
          <>
            Run <span className="mono">{shortId(run.id)}</span> <StatusBadge status={run.status} />
          </>
        }
        subtitle={
          <>
            <span className="mono muted small">{run.id}</span>
            <span className="muted"> · {run.trigger}</span>
            {run.parentRunId ? (
              <span className="muted">
                {' '}
                of{' '}
                <Link href={paths.run(run.parentRunId)} className="mono">
                  {shortId(run.parentRunId)}
                </Link>
              </span>
            ) : null}
            <span className="muted"> · started {formatTime(run.startedAt ?? run.createdAt)}</span>
            <span className="muted"> · {formatDuration(durationBetween(run.startedAt, run.finishedAt, now))}</span>
          </>
        }
        actions={
          <>
            <LiveBadge state={live.state} />
            {active ? (
              <button type="button" className="btn btn-danger" onClick={() => cancel.mutate()} disabled={!canCancel || cancel.isPending}>
                {run.cancelRequested || cancel.isPending ? 'Cancelling…' : 'Cancel run'}
              </button>
            ) : null}
            {canRerun ? (
              <button type="button" className="btn btn-primary" onClick={() => rerun.mutate()} disabled={rerun.isPending} title="Start a new run that reuses the tasks that succeeded">
                {rerun.isPending ? 'Starting…' : 'Re-run from failure'}
              </button>
            ) : null}
          </>
        }
      />
      {actionError ? (
        <div className="banner banner-error" role="alert">
          {actionError}
        </div>
      ) : null}
      {run.error && run.status === 'failed' ? (
        <div className="banner banner-error" role="alert" aria-label="Run error">
          <strong>Run failed:</strong> {run.error}
        </div>
      ) : null}
      {run.status === 'cancelled' ? (
        <div className="banner banner-info" role="status">
          Cancelled{run.error && !/^run cancelled$/i.test(run.error) ? `: ${run.error}` : ''}. Re-run it to run the tasks that did not finish.
        </div>
      ) : null}
      {params.length > 0 ? (
        <div className="params-line" role="group" aria-label="Run params">
          {params.map(([k, v]) => (
            <span key={k} className="param-chip">
              <span className="muted">{k}=</span>
              <span className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</span>
            </span>
          ))}
        </div>
      ) : null}
      <div className="grid-main-side">
        <Card title="Graph" id="run-graph" actions={<span className="muted small mono" title={run.pipelineVersion}>{shortId(run.pipelineVersion, 12)}</span>}>
          <DagView
            layoutKey={spec ? `${run.pipelineId}@${run.pipelineVersion}` : `run:${run.id}:${graph.nodes.length}`}
            nodes={graph.nodes}
            edges={graph.edges}
            statuses={statuses}
            selected={selected}
            onSelect={select}
            label={`DAG of run ${run.id} with task states`}
            height={graph.nodes.length > 40 ? 520 : 360}
          />
        </Card>
        <Card title={selected ? `Task ${selected}` : 'Task'} id="task-panel">
          {selected ? <TaskPanel detail={detail} taskId={selected} live={live} /> : <p className="muted">Select a task in the graph, the timeline or the table to see its logs and errors.</p>}
        </Card>
      </div>
      <Card title="Timeline" id="timeline">
        <Gantt run={run} tasks={detail.tasks} attempts={detail.attempts} now={now} selected={selected} onSelect={select} />
      </Card>
      <Card title={`Tasks · ${detail.tasks.length}`} id="tasks">
        <TasksTable tasks={orderedTasks} selected={selected} onSelect={select} now={now} />
      </Card>
    </>
  );
}

export function RunPage({ id }: { id: string }) {
  const live = useLiveEvents({ run: id });
  const detail = useRunDetail(id, live.state !== 'live');
  if (detail.data) return <RunBody detail={detail.data} live={live} />;
  return (
    <>
      <PageHeader crumbs={[{ label: 'Pipelines', href: paths.pipelines() }]} title={`Run ${shortId(id)}`} />
      {detail.error ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : <Loading rows={6} />}
    </>
  );
}
