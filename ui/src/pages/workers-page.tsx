/**
 * Workers: where tasks run now. With the distributed executor, the `datadog worker` processes
 * alive in the registry; with the local executor, the server process itself. Polled every 2 s;
 * heartbeat ages tick every second and turn to a warning past 15 s.
 */
import { useWorkers } from '../api/queries.ts';
import type { WorkerInfo, WorkersResponse } from '../api/types.ts';
import { Card, PageHeader } from '../components/page-header.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { formatRelative, formatTime, shortId } from '../format.ts';
import { Link, paths } from '../router.tsx';
import { useNow } from '../use-now.ts';

/** A heartbeat older than this is late (a worker drops out of the list at 30 s). */
export const STALE_HEARTBEAT_MS = 15_000;

/** `0 s ago` … `59 s ago`, then `3 min ago`; never negative when the clocks disagree a little. */
export function heartbeatAge(iso: string, nowMs: number): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const age = Math.max(0, nowMs - ms);
  return age < 60_000 ? `${Math.floor(age / 1000)} s ago` : formatRelative(iso, nowMs);
}

function executorLine(data: WorkersResponse): string {
  if (data.executor === 'local') return 'Local executor · Tasks run inside the server process';
  const n = data.workers.length;
  return `Distributed executor · ${n} ${n === 1 ? 'worker' : 'workers'}`;
}

function WorkerRow({ worker, now }: { worker: WorkerInfo; now: number }) {
  const beat = Date.parse(worker.lastHeartbeatAt);
  const late = Number.isFinite(beat) && now - beat > STALE_HEARTBEAT_MS;
  return (
    <tr data-worker={worker.id}>
      <td>
        <div className="strong mono">{worker.host}</div>
        <div className="muted small mono" title={worker.id}>
          {worker.id}
        </div>
      </td>
      <td className="num mono">{worker.pid}</td>
      <td>
        <div className="tags">
          {worker.pools.map((pool) => (
            <span key={pool} className="tag">
              {pool}
            </span>
          ))}
        </div>
      </td>
      <td className="num" title={`${worker.tasks.length} running of ${worker.concurrency} at once`}>
        <span className={worker.tasks.length >= worker.concurrency ? 'strong' : undefined}>{worker.tasks.length}</span>
        <span className="muted"> / {worker.concurrency}</span>
      </td>
      <td>
        {worker.tasks.length === 0 ? (
          <span className="muted">idle</span>
        ) : (
          <ul className="worker-tasks">
            {worker.tasks.map((task) => (
              <li key={task.jobId}>
                <Link href={paths.run(task.runId)} className="mono" title={`Run ${task.runId}, started ${formatTime(task.startedAt)}`}>
                  {task.taskId}
                </Link>
                <span className="muted small mono"> {shortId(task.runId)}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td title={formatTime(worker.lastHeartbeatAt)}>
        {late ? (
          <span className="tag tag-warn heartbeat-late" data-late="true">
            ⚠ {heartbeatAge(worker.lastHeartbeatAt, now)}
          </span>
        ) : (
          <span className="heartbeat">{heartbeatAge(worker.lastHeartbeatAt, now)}</span>
        )}
      </td>
      <td title={formatRelative(worker.startedAt, now)}>{formatTime(worker.startedAt)}</td>
    </tr>
  );
}

export function WorkersPage() {
  const query = useWorkers();
  const now = useNow(query.data !== undefined);
  const data = query.data;
  // A failed refresh keeps the last list on screen, with a note that it is not current.
  const refreshFailed = query.error !== null && data !== undefined;

  return (
    <>
      <PageHeader title="Workers" subtitle={data ? <span data-executor={data.executor}>{executorLine(data)}</span> : undefined} />
      {refreshFailed ? (
        <div className="tag tag-warn workers-refresh-error" role="status">
          Cannot refresh the list: {query.error instanceof Error ? query.error.message : String(query.error)}
        </div>
      ) : null}
      <Card>
        {query.error && !data ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : !data ? (
          <Loading rows={3} label="Loading workers…" />
        ) : data.workers.length === 0 ? (
          <Empty title="No workers alive" icon="⚙">
            Start one with <code>datadog worker</code>; it appears here within a few seconds of its first heartbeat. Queued tasks wait until a worker takes them.
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Workers">
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col" className="num">
                    PID
                  </th>
                  <th scope="col">Pools</th>
                  <th scope="col" className="num">
                    Concurrency
                  </th>
                  <th scope="col">Current tasks</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {data.workers.map((worker) => (
                  <WorkerRow key={worker.id} worker={worker} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
