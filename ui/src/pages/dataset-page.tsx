/** Dataset: schema, versions with row counts, quality checks, a preview, the lineage graph and a quick chart. */
import { useMemo, useState } from 'react';
import { useDataset, useDatasetLineage, useDatasetPreview } from '../api/queries.ts';
import type { DatasetDetail, DatasetVersion, Lineage } from '../api/types.ts';
import { ChecksPanel } from '../components/checks-panel.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { QuickChart } from '../components/quick-chart.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { DagView, type DagNodeSpec } from '../dag/dag-view.tsx';
import { formatBytes, formatCount, formatRelative, formatTime, shortId } from '../format.ts';
import { Link, navigate, paths } from '../router.tsx';

const VERSION_STATUS_CLASS: Record<string, string> = { published: 'tag-ok', staged: '', rejected: 'tag-bad' };

function LineageGraph({ name }: { name: string }) {
  const lineage = useDatasetLineage(name);
  const graph = useMemo(() => {
    const data: Lineage | undefined = lineage.data;
    if (!data || !Array.isArray(data.nodes)) return null;
    const nodes: DagNodeSpec[] = data.nodes.map((n) => ({ id: n.id, label: n.name, sublabel: n.kind, shape: n.kind === 'dataset' ? 'dataset' : 'task' }));
    const ids = new Set(nodes.map((n) => n.id));
    const edges = (data.edges ?? []).filter((e) => ids.has(e.from) && ids.has(e.to)).map((e) => ({ source: e.from, target: e.to }));
    const key = `lineage:${name}:${nodes.map((n) => n.id).join(',')}:${edges.length}`;
    return { nodes, edges, key };
  }, [lineage.data, name]);
  if (lineage.error) return <ErrorState error={lineage.error} onRetry={() => void lineage.refetch()} compact />;
  if (!graph) return <Loading rows={2} />;
  if (graph.nodes.length === 0) return <Empty title="No lineage recorded" />;
  const self = lineage.data?.nodes.find((n) => n.kind === 'dataset' && n.name === name)?.id ?? null;
  return (
    <DagView
      layoutKey={graph.key}
      nodes={graph.nodes}
      edges={graph.edges}
      selected={self}
      onSelect={(id) => {
        const node = lineage.data?.nodes.find((n) => n.id === id);
        if (node?.kind === 'dataset' && node.name !== name) navigate(paths.dataset(node.name));
      }}
      label={`Lineage of dataset ${name}`}
      height={240}
    />
  );
}

function VersionsTable({ versions, selected, onSelect }: { versions: DatasetVersion[]; selected: string | null; onSelect(id: string): void }) {
  return (
    <div className="table-wrap tall">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Written by</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} className={selected === v.id ? 'is-selected' : undefined}>
              <td className="mono" title={v.id}>
                {shortId(v.id)}
              </td>
              <td>
                <span className={`tag ${VERSION_STATUS_CLASS[v.status] ?? ''}`}>{v.status}</span>
              </td>
              <td className="num">{formatCount(v.rows)}</td>
              <td className="num" title={v.view ? 'Kept as a view: nothing stored, readers run its query' : undefined}>
                {v.view ? <span className="tag">view</span> : formatBytes(v.bytes)}
              </td>
              <td>
                <Link href={paths.run(v.runId)} className="mono" aria-label={`Run ${v.runId}`}>
                  {shortId(v.runId)}
                </Link>
                <span className="muted"> · {v.taskId}</span>
              </td>
              <td title={formatTime(v.createdAt)}>{formatRelative(v.createdAt)}</td>
              <td className="num">
                <button type="button" className="btn btn-small" aria-pressed={selected === v.id} onClick={() => onSelect(v.id)} aria-label={`Preview version ${shortId(v.id)}`}>
                  Preview
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DatasetBody({ detail }: { detail: DatasetDetail }) {
  const { dataset, versions } = detail;
  const [picked, setPicked] = useState<string | null>(null);
  const [limit, setLimit] = useState(50);
  const versionId = picked ?? dataset.latestVersionId ?? versions[0]?.id ?? null;
  const preview = useDatasetPreview(dataset.name, versionId, limit);
  const chartRows = useDatasetPreview(dataset.name, versionId, 1000);
  const version = versions.find((v) => v.id === versionId) ?? preview.data?.version ?? null;
  const columns = preview.data?.columns ?? version?.schema ?? [];

  return (
    <>
      <PageHeader
        crumbs={[{ label: 'Datasets', href: paths.datasets() }]}
        title={<span className="mono">{dataset.name}</span>}
        subtitle={
          <>
            {formatCount(dataset.rows)} rows · written by <Link href={paths.pipeline(dataset.pipelineId)}>{dataset.pipelineId}</Link> · updated {formatRelative(dataset.updatedAt)}
          </>
        }
      />
      <Card title="Lineage" id="lineage">
        <LineageGraph name={dataset.name} />
      </Card>
      <div className="grid-2-3">
        <Card title="Schema" id="schema" actions={version ? <span className="muted small mono">{shortId(version.id)}</span> : undefined}>
          {columns.length === 0 ? (
            <Empty title="No schema recorded" />
          ) : (
            <div className="table-wrap tall">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Column</th>
                    <th scope="col">Type</th>
                    <th scope="col">Nullable</th>
                  </tr>
                </thead>
                <tbody>
                  {columns.map((c) => (
                    <tr key={c.name}>
                      <td className="mono">{c.name}</td>
                      <td className="mono muted">{c.type}</td>
                      <td>{c.nullable === false ? 'no' : c.nullable === true ? 'yes' : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title={`Versions · ${versions.length}`} id="versions">
          {versions.length === 0 ? <Empty title="No versions yet" /> : <VersionsTable versions={versions} selected={versionId} onSelect={setPicked} />}
        </Card>
      </div>
      <Card title="Quality checks" id="checks">
        <ChecksPanel dataset={dataset.name} />
      </Card>
      <Card
        title="Preview"
        id="preview"
        actions={
          preview.data ? (
            <span className="muted small">
              {formatCount(preview.data.rows.length)} of {formatCount(preview.data.version.rows)} rows · version <span className="mono">{shortId(preview.data.version.id)}</span>
            </span>
          ) : undefined
        }
      >
        {preview.error && !preview.data ? (
          <ErrorState error={preview.error} onRetry={() => void preview.refetch()} compact />
        ) : !preview.data ? (
          <Loading rows={4} />
        ) : preview.data.rows.length === 0 ? (
          <Empty title="This version has no rows" />
        ) : (
          <>
            <DataTable columns={preview.data.columns} rows={preview.data.rows} label={`Preview of ${dataset.name}`} />
            {preview.data.rows.length < preview.data.version.rows && limit < 1000 ? (
              <button type="button" className="btn btn-small more" onClick={() => setLimit(limit * 4)}>
                Show more rows
              </button>
            ) : null}
          </>
        )}
      </Card>
      <Card title="Quick chart" id="chart" actions={<span className="muted small">over the first {formatCount(Math.min(1000, version?.rows ?? 1000))} rows</span>}>
        {chartRows.data ? <QuickChart key={chartRows.data.version.id} columns={chartRows.data.columns} rows={chartRows.data.rows} /> : chartRows.error ? <ErrorState error={chartRows.error} compact /> : <Loading rows={3} />}
      </Card>
    </>
  );
}

export function DatasetPage({ name }: { name: string }) {
  const detail = useDataset(name);
  if (detail.data) return <DatasetBody detail={detail.data} />;
  return (
    <>
      <PageHeader crumbs={[{ label: 'Datasets', href: paths.datasets() }]} title={<span className="mono">{name}</span>} />
      {detail.error ? <ErrorState error={detail.error} onRetry={() => void detail.refetch()} /> : <Loading rows={6} />}
    </>
  );
}
