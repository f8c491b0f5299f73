/**
 * The cron schedules of a pipeline: cron, time zone, params, the next fire times (relative
 * and absolute, in the schedule's zone) and a switch that enables or disables each one.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiPost, seg } from '../api/api-client.ts';
import { useSchedules } from '../api/queries.ts';
import type { Schedule } from '../api/types.ts';
import { formatRelative, formatTime } from '../format.ts';
import { useNow } from '../use-now.ts';
import { Empty, ErrorState, Loading } from './states.tsx';

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** `Mon, Jun 3, 09:00 CEST`: a fire time as the schedule's own zone reads it (UTC when it has none). */
export function formatInZone(iso: string, timezone: string | null): string {
  const zone = timezone ?? 'UTC';
  let format = zoneFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short' });
    } catch {
      return formatTime(iso);
    }
    zoneFormats.set(zone, format);
  }
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? format.format(ms) : iso;
}

function paramText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function ScheduleSwitch({ schedule }: { schedule: Schedule }) {
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => apiPost<{ schedules: Schedule[] }>(`/schedules/${seg(schedule.pipelineId)}/${schedule.index}/${enabled ? 'enable' : 'disable'}`),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: ['schedules', schedule.pipelineId] }), client.invalidateQueries({ queryKey: ['pipelines'] })]),
  });
  // While the request is in flight the switch shows where it is going.
  const checked = toggle.isPending ? toggle.variables : schedule.enabled;
  return (
    <div className="schedule-switch">
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={checked}
          aria-checked={checked}
          disabled={toggle.isPending}
          aria-label={`Enable schedule ${schedule.index}`}
          onChange={(event) => toggle.mutate(event.target.checked)}
        />
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-text">{checked ? 'On' : 'Off'}</span>
      </label>
      {toggle.error ? <ErrorState error={toggle.error} compact /> : null}
    </div>
  );
}

function ScheduleItem({ schedule, now }: { schedule: Schedule; now: number }) {
  const params = Object.entries(schedule.params ?? {});
  return (
    <li className={`schedule${schedule.enabled ? '' : ' is-off'}`} aria-label={`Schedule ${schedule.index}`}>
      <div className="schedule-head">
        <div className="schedule-title">
          <code className="schedule-cron">{schedule.cron}</code>
          <span className="tag">{schedule.timezone ?? 'UTC'}</span>
          {schedule.enabledOverride !== null && schedule.enabledOverride !== schedule.specEnabled ? (
            <span className="tag tag-accent" title={`The spec says ${schedule.specEnabled ? 'enabled' : 'disabled'}`}>
              overridden
            </span>
          ) : null}
        </div>
        <ScheduleSwitch schedule={schedule} />
      </div>
      {params.length > 0 ? (
        <div className="schedule-params tags" aria-label="Params">
          {params.map(([key, value]) => (
            <span key={key} className="tag mono">
              {key}={paramText(value)}
            </span>
          ))}
        </div>
      ) : null}
      {schedule.enabled ? (
        schedule.nextFireTimes.length > 0 ? (
          <ol className="fire-times" aria-label={`Next fire times of schedule ${schedule.index}`}>
            {schedule.nextFireTimes.map((iso) => (
              <li key={iso}>
                <span className="fire-relative">{formatRelative(iso, now)}</span>
                <time dateTime={iso} className="muted" title={`Your time: ${formatTime(iso)}`}>
                  {formatInZone(iso, schedule.timezone)}
                </time>
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted small">No upcoming fire times.</p>
        )
      ) : (
        <p className="muted small">Disabled: it does not fire until enabled again.</p>
      )}
      {schedule.lastFiredAt ? (
        <p className="muted small">
          Last fired <span title={formatTime(schedule.lastFiredAt)}>{formatRelative(schedule.lastFiredAt, now)}</span>
        </p>
      ) : null}
    </li>
  );
}

export function SchedulesPanel({ pipelineId }: { pipelineId: string }) {
  const schedules = useSchedules(pipelineId);
  const now = useNow(true, 30_000);
  if (schedules.error) return <ErrorState error={schedules.error} onRetry={() => void schedules.refetch()} compact />;
  if (!schedules.data) return <Loading rows={2} />;
  if (schedules.data.length === 0) {
    return (
      <Empty title="No schedules" icon="◷">
        Add <code>schedules:</code> to the spec (for example <code>- cron: &apos;0 9 * * *&apos;</code>) to run this pipeline on a timetable.
      </Empty>
    );
  }
  return (
    <ul className="schedule-list">
      {schedules.data.map((s) => (
        <ScheduleItem key={`${s.index}:${s.scheduleId}`} schedule={s} now={now} />
      ))}
    </ul>
  );
}
