/**
 * The logs of one task of a run, following live: the first page is fetched, then each
 * `task.log` event of that task fetches what follows (`after` the last line seen), and while
 * the event stream is down an active task is polled. The view sticks to the bottom unless
 * the reader scrolled up.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { apiGet, seg } from '../api/api-client.ts';
import type { LiveEvents } from '../api/live-events.ts';
import type { LogsResponse, TaskLog } from '../api/types.ts';
import { ErrorState } from './states.tsx';

const PAGE = 1000;
/** Lines kept on screen; older ones are dropped from view (the API still has them). */
const MAX_LINES = 20_000;
const POLL_MS = 1500;

function timeOf(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function LogViewer({ runId, taskId, live, active }: { runId: string; taskId: string; live: LiveEvents; active: boolean }) {
  const [lines, setLines] = useState<TaskLog[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const after = useRef(0);
  /** Bumped when the task changes, so a read still in flight for the previous one is dropped. */
  const generation = useRef(0);
  const busy = useRef(false);
  const again = useRef(false);
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  const fetchMore = useCallback(async (): Promise<void> => {
    if (busy.current) {
      again.current = true;
      return;
    }
    const mine = generation.current;
    busy.current = true;
    try {
      for (;;) {
        again.current = false;
        const page = await apiGet<LogsResponse>(`/executions/${seg(runId)}/logs`, { task: taskId, after: after.current, limit: PAGE });
        if (generation.current !== mine) return;
        after.current = Math.max(after.current, page.nextAfter);
        if (page.logs.length > 0) {
          setLines((old) => {
            const next = old.concat(page.logs);
            return next.length <= MAX_LINES ? next : next.slice(next.length - MAX_LINES);
          });
          setTotal((n) => n + page.logs.length);
        }
        setError(null);
        if (page.logs.length < PAGE && !again.current) break;
      }
    } catch (e) {
      if (generation.current === mine) setError(e);
    } finally {
      if (generation.current === mine) {
        busy.current = false;
        setLoaded(true);
      }
    }
  }, [runId, taskId]);

  // A new task starts from its first line.
  useEffect(() => {
    generation.current++;
    busy.current = false;
    again.current = false;
    after.current = 0;
    stick.current = true;
    setLines([]);
    setTotal(0);
    setLoaded(false);
    void fetchMore();
  }, [fetchMore]);
  const dropped = total - lines.length;

  useEffect(() => {
    let timer: number | undefined;
    const unsubscribe = live.subscribe((event) => {
      if (event.runId !== runId || event.taskId !== taskId) return;
      if (event.type !== 'task.log' && event.type !== 'task.status') return;
      timer ??= window.setTimeout(() => {
        timer = undefined;
        void fetchMore();
      }, 120);
    });
    return () => {
      unsubscribe();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [live, runId, taskId, fetchMore]);

  useEffect(() => {
    if (!active || live.state === 'live') return;
    const timer = window.setInterval(() => void fetchMore(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [active, live.state, fetchMore]);

  // One last read when the task settles, for lines written just before it ended.
  useEffect(() => {
    if (!active) void fetchMore();
  }, [active, fetchMore]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const onScroll = (): void => {
    const el = box.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };

  const attempts = new Set(lines.map((l) => l.attempt));
  return (
    <div className="logs">
      {error ? <ErrorState error={error} onRetry={() => void fetchMore()} compact /> : null}
      <pre ref={box} className="code log-lines" role="log" aria-label={`Logs of task ${taskId}`} tabIndex={0} onScroll={onScroll} aria-busy={!loaded}>
        {dropped > 0 ? <div className="muted">… {dropped.toLocaleString()} earlier lines not shown</div> : null}
        {lines.map((line) => (
          <div key={line.id} className={`log-line log-${line.level} log-${line.stream}`}>
            <span className="log-time">{timeOf(line.ts)}</span>
            {attempts.size > 1 ? <span className="log-attempt">#{line.attempt}</span> : null}
            <span className="log-stream">{line.stream}</span>
            <span className="log-msg">{line.message}</span>
          </div>
        ))}
        {loaded && lines.length === 0 ? <div className="muted">{active ? 'Waiting for output…' : 'This task wrote no log lines.'}</div> : null}
      </pre>
    </div>
  );
}
