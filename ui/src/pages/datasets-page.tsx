/** Datasets: every published dataset with its rows, the pipeline writing it and when. */
import { useState } from 'react';
import { useDatasets } from '../api/queries.ts';
import { Card, PageHeader } from '../components/page-header.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatCount, formatRelative, formatTime } from '../format.ts';
import { Link, paths } from '../router.tsx';

export function DatasetsPage() {
  const list = useDatasets();
  const [search, setSearch] = useState('');
  const datasets = (list.data?.datasets ?? []).filter((d) => !search.trim() || d.name.toLowerCase().includes(search.trim().toLowerCase()) || d.pipelineId.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <>
      <PageHeader title="Datasets" subtitle={list.data ? `${list.data.datasets.length} published` : undefined} />
      <Card>
        <div className="toolbar">
          <input type="search" className="input search" placeholder="Search by name or pipeline" aria-label="Search datasets" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.data ? (
          <Loading rows={5} />
        ) : list.data.datasets.length === 0 ? (
          <Empty title="No datasets yet" icon="▤">
            Datasets appear when a pipeline with <code>source</code> or <code>transform</code> tasks publishes its outputs.
          </Empty>
        ) : datasets.length === 0 ? (
          <Empty title="No dataset matches" icon="⌕" />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Pipeline</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {datasets.map((d) => (
                  <tr key={d.name}>
                    <td>
                      <Link href={paths.dataset(d.name)} className="strong mono">
                        {d.name}
                      </Link>
                    </td>
                    <td>
                      <Link href={paths.pipeline(d.pipelineId)}>{d.pipelineId}</Link>
                    </td>
                    <td className="num">{formatCount(d.rows)}</td>
                    <td title={formatTime(d.updatedAt)}>{formatRelative(d.updatedAt)}</td>
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
