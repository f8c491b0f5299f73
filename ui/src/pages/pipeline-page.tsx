/** Pipeline: its DAG, trigger form, schedules, run history, spec as YAML and versions. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { apiPost, seg } from '../api/api-client.ts';
import { useLiveEvents } from '../api/live-events.ts';
import { usePipeline, useRuns } from '../api/queries.ts';
import type { PipelineDetail, PipelineSpecView, RunResponse } from '../api/types.ts';
import { LiveBadge } from '../components/live-badge.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { ParamForm } from '../components/param-form.tsx';
import { RunsTable } from '../components/runs-table.tsx';
import { SchedulesPanel } from '../components/schedules-panel.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { Tabs } from '../components/tabs.tsx';
import { VersionsPanel } from '../components/versions-panel.tsx';
import { YamlView } from '../components/yaml-view.tsx';
import { DagView } from '../dag/dag-view.tsx';
import { specGraph } from '../dag/spec-graph.ts';
import { shortId } from '../format.ts';
import { navigate, paths, setSearchParam, useLocation } from '../router.tsx';

const TABS = [
  { id: 'runs', label: 'Runs' },
  { id: 'spec', label: 'Spec' },
  { id: 'versions', label: 'Versions' },
] as const;

function TaskDetails({ spec, taskId }: { spec: PipelineSpecView; taskId: string }) {
  const task = spec.tasks.find((t) => t.id === taskId);
  if (!task) return null;
  return (
    <dl className="facts" aria-label={`Task ${task.id}`}>
      <dt>Task</dt>
      <dd className="mono">{task.id}</dd>
      <dt>Kind</dt>
      <dd>{task.kind}</dd>
      {task.depends_on?.length ? (
        <>
          <dt>Depends on</dt>
          <dd>{task.depends_on.join(', ')}</dd>
        </>
      ) : null}
      {task.inputs?.length ? (
        <>
          <dt>Reads</dt>
          <dd>{task.inputs.join(', ')}</dd>
        </>
      ) : null}
      {task.outputs?.length ? (
        <>
          <dt>Writes</dt>
          <dd>{task.outputs.join(', ')}</dd>
        </>
      ) : null}
      {task.trigger_rule && task.trigger_rule !== 'all_success' ? (
        <>
          <dt>Trigger rule</dt>
          <dd>{task.trigger_rule}</dd>
        </>
      ) : null}
    </dl>
  );
}

function PipelineBody({ detail, live }: { detail: PipelineDetail; live: ReturnType<typeof useLiveEvents> }) {
  const { pipeline, version } = detail;
  const spec = detail.spec as unknown as PipelineSpecView;
  const { search } = useLocation();
  const tab = search.get('tab') ?? 'runs';
  const selected = search.get('task');
  const client = useQueryClient();
  const graph = useMemo(() => specGraph(spec), [spec]);
  const runs = useRuns({ pipeline: pipeline.id, limit: 25 }, live.state !== 'live');

  const execute = useMutation({
    mutationFn: (params: Record<string, unknown>) => apiPost<RunResponse>(`/pipelines/${seg(pipeline.id)}/execute`, { params }),
    onSuccess: ({ run }) => {
      void client.invalidateQueries({ queryKey: ['runs'] });
      navigate(paths.run(run.id));
    },
  });

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Pipelines', href: paths.pipelines() }]}
        title={pipeline.name || pipeline.id}
        subtitle={
          <>
            <span className="mono">{pipeline.id}</span>
            <span className="muted"> · version </span>
            <span className="mono" title={version}>
              {shortId(version, 12)}
            </span>
            {pipeline.description ? <span className="muted"> · {pipeline.description}</span> : null}
            {pipeline.tags.length > 0 ? (
              <span className="tags inline">
                {pipeline.tags.map((t) => (
                  <span key={t} className="tag">
                    {t}
                  </span>
                ))}
              </span>
            ) : null}
          </>
        }
        actions={<LiveBadge state={live.state} />}
      />
      <div className="grid-main-side">
        <Card title={`Graph · ${spec.tasks.length} task${spec.tasks.length === 1 ? '' : 's'}`} id="graph">
          <DagView
            layoutKey={`${pipeline.id}@${version}`}
            nodes={graph.nodes}
            edges={graph.edges}
            selected={selected}
            onSelect={(id) => setSearchParam('task', id === selected ? null : id)}
            label={`DAG of pipeline ${pipeline.id}`}
            height={spec.tasks.length > 40 ? 560 : 380}
          />
          {selected ? <TaskDetails spec={spec} taskId={selected} /> : <p className="muted small hint">Select a task to see what it reads and writes.</p>}
        </Card>
        <Card title="Run" id="trigger">
          <ParamForm key={version} params={spec.params ?? {}} onSubmit={(params) => execute.mutateAsync(params)} />
        </Card>
      </div>
      <Card title="Schedules" id="schedules">
        <SchedulesPanel pipelineId={pipeline.id} />
      </Card>
      <Card>
        <Tabs tabs={TABS} current={tab} onChange={(id) => setSearchParam('tab', id === 'runs' ? null : id)} label="Pipeline details" />
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
          {tab === 'runs' ? (
            runs.data ? (
              runs.data.runs.length === 0 ? (
                <Empty title="No runs yet" icon="▷">
                  Use the form above to start the first one.
                </Empty>
              ) : (
                <RunsTable runs={runs.data.runs} />
              )
            ) : runs.error ? (
              <ErrorState error={runs.error} onRetry={() => void runs.refetch()} compact />
            ) : (
              <Loading />
            )
          ) : null}
          {tab === 'spec' ? <YamlView value={detail.spec} label={`Spec of ${pipeline.id} as YAML`} /> : null}
          {tab === 'versions' ? <VersionsPanel pipelineId={pipeline.id} currentVersion={version} /> : null}
        </div>
      </Card>
    </>
  );
}

export function PipelinePage({ id }: { id: string }) {
  const live = useLiveEvents({ pipeline: id });
  const detail = usePipeline(id);
  if (detail.data) return <PipelineBody detail={detail.data} live={live} />;
  return (
    <>
      <PageHeader crumbs={[{ label: 'Pipelines', href: paths.pipelines() }]} title={id} />
      {detail.error ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : <Loading rows={6} />}
    </>
  );
}
