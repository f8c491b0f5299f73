/**
 * The timeline of a run: one row per task, one bar per attempt from its start to its end (or
 * to now while it runs), coloured by the attempt's status. Plain divs positioned in percent,
 * so it needs no layout pass and scrolls cheaply at a thousand rows.
 */
import { memo, type CSSProperties } from 'react';
import type { Run, TaskAttempt, TaskRun } from '../api/types.ts';
import { formatDuration } from '../format.ts';
import { statusColor, statusLabel } from '../status.ts';

export interface GanttProps {
  run: Run;
  tasks: TaskRun[];
  attempts: TaskAttempt[];
  now: number;
  selected: string | null;
  onSelect(taskId: string): void;
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const value = Date.parse(iso);
  return Number.isFinite(value) ? value : null;
}

export const Gantt = memo(function Gantt({ run, tasks, attempts, now, selected, onSelect }: GanttProps) {
  const byTask = new Map<string, TaskAttempt[]>();
  for (const attempt of attempts) {
    const list = byTask.get(attempt.taskId) ?? [];
    list.push(attempt);
    byTask.set(attempt.taskId, list);
  }
  const starts = attempts.map((a) => ms(a.startedAt)).filter((v): v is number => v !== null);
  const t0 = Math.min(ms(run.startedAt) ?? Infinity, ...starts);
  if (!Number.isFinite(t0)) return <p className="muted small">No task has started yet.</p>;
  const ends = attempts.map((a) => ms(a.finishedAt) ?? now);
  const t1 = Math.max(t0 + 100, ms(run.finishedAt) ?? (run.status === 'running' || run.status === 'queued' ? now : 0), ...ends);
  const span = t1 - t0;
  const firstStart = (taskId: string): number => Math.min(...(byTask.get(taskId) ?? []).map((a) => ms(a.startedAt) ?? Infinity));
  const rows = [...tasks].sort((a, b) => firstStart(a.taskId) - firstStart(b.taskId));
  const ticks = [0, 0.25, 0.5, 0.75, 1];

  return (
    <div className={`gantt${rows.length > 200 ? ' many-rows' : ''}`} role="group" aria-label="Timeline of task attempts">
      <div className="gantt-axis" aria-hidden="true">
        <div className="gantt-label" />
        <div className="gantt-track">
          {ticks.map((t) => (
            <span key={t} className="gantt-tick" style={{ left: `${t * 100}%` }}>
              {t === 0 ? '0' : `+${formatDuration(span * t)}`}
            </span>
          ))}
        </div>
      </div>
      <div className="gantt-rows">
        {rows.map((task) => {
          const list = byTask.get(task.taskId) ?? [];
          return (
            <div key={task.taskId} className={`gantt-row${selected === task.taskId ? ' is-selected' : ''}`}>
              <button type="button" className="gantt-label" onClick={() => onSelect(task.taskId)} aria-label={`Timeline of task ${task.taskId}: ${statusLabel(task.status)}`} title={task.taskId}>
                {task.taskId}
              </button>
              <div className="gantt-track">
                {ticks.slice(1, -1).map((t) => (
                  <span key={t} className="gantt-grid" style={{ left: `${t * 100}%` }} aria-hidden="true" />
                ))}
                {list.map((attempt) => {
                  const start = ms(attempt.startedAt) ?? t0;
                  const end = ms(attempt.finishedAt) ?? now;
                  const style = {
                    left: `${((start - t0) / span) * 100}%`,
                    width: `max(3px, ${((end - start) / span) * 100}%)`,
                    '--status': statusColor(attempt.status),
                  } as CSSProperties;
                  const text = `${task.taskId} attempt ${attempt.attempt}: ${statusLabel(attempt.status)}, ${formatDuration(end - start)}`;
                  return <span key={attempt.attempt} className={`gantt-bar${attempt.finishedAt ? '' : ' is-active'}`} style={style} title={text} aria-label={text} role="img" />;
                })}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
});
