/**
 * A schedule's stable id: a hash of its cron, time zone and params. State (last fired slot,
 * enable override) follows the schedule, not its position, so reordering or inserting
 * schedules in a spec keeps each one's state; changing one makes it a new schedule.
 */
import { createHash } from 'node:crypto';
import type { ScheduleSpec } from '../core/spec/pipeline-spec.ts';
import { canonicalJson } from '../core/spec/spec-version.ts';

/**
 * The id of a schedule of a spec.
 *
 * @example
 * scheduleId({ cron: '0 9 * * *', timezone: 'Europe/Paris', params: {}, enabled: true }); // 'a1b2c3d4e5f60718'
 */
export function scheduleId(schedule: Pick<ScheduleSpec, 'cron' | 'timezone' | 'params'>): string {
  const key = canonicalJson({ cron: schedule.cron.trim(), timezone: schedule.timezone ?? null, params: schedule.params ?? {} });
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
