/**
 * Partition keys of a partitioned pipeline: the keys of a backfill range, and the partition a
 * scheduled run processes. Daily keys are `YYYY-MM-DD`, hourly keys `YYYY-MM-DDTHH`, both in
 * UTC; static keys are the spec's `values`, in their order.
 */
import { ValidationError } from '../core/errors.ts';
import type { PartitionsSpec } from '../core/spec/pipeline-spec.ts';

/** The most partitions one backfill may cover. */
export const MAX_BACKFILL_PARTITIONS = 10_000;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_HOUR = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;

/** The range of a backfill, as given (`to` inclusive); static partitions may leave both out. */
export interface PartitionRange {
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * Every partition key in the range, in order.
 *
 * @example
 * partitionKeys({ type: 'daily', param: 'partition' }, { from: '2026-01-30', to: '2026-02-01' });
 * // ['2026-01-30', '2026-01-31', '2026-02-01']
 */
export function partitionKeys(spec: PartitionsSpec, range: PartitionRange): string[] {
  if (spec.type === 'static') return staticKeys(spec.values ?? [], range);
  const step = spec.type === 'daily' ? DAY_MS : HOUR_MS;
  const from = parseBound(spec, range.from, 'from', 'start');
  const to = parseBound(spec, range.to, 'to', 'end');
  if (to < from) throw rangeError('to', `'${range.to}' is before '${range.from}'`);
  if (spec.start !== undefined && from < Date.parse(`${spec.start}T00:00:00Z`)) {
    throw rangeError('from', `'${range.from}' is before the first partition (${spec.start})`);
  }
  const count = Math.floor((to - from) / step) + 1;
  if (count > MAX_BACKFILL_PARTITIONS) throw rangeError('to', `the range has ${count} partitions; at most ${MAX_BACKFILL_PARTITIONS} at once`);
  return Array.from({ length: count }, (_, i) => partitionKeyAt(spec, from + i * step));
}

/** The key of the daily or hourly partition holding `time`. */
export function partitionKeyAt(spec: Pick<PartitionsSpec, 'type'>, time: number): string {
  const iso = new Date(time).toISOString();
  return spec.type === 'hourly' ? iso.slice(0, 13) : iso.slice(0, 10);
}

/**
 * The partition a scheduled run at `slot` processes: the latest daily or hourly partition that
 * has ended by then (the day before a daily slot, the hour before an hourly one). Static
 * partitions have no time, so a schedule gives them none.
 */
export function partitionForSlot(spec: PartitionsSpec, slot: Date): string | undefined {
  if (spec.type === 'static') return undefined;
  return partitionKeyAt(spec, slot.getTime() - (spec.type === 'daily' ? DAY_MS : HOUR_MS));
}

function staticKeys(values: string[], range: PartitionRange): string[] {
  const index = (key: string | undefined, name: 'from' | 'to', fallback: number): number => {
    if (key === undefined) return fallback;
    const at = values.indexOf(key);
    if (at < 0) throw rangeError(name, `'${key}' is not a partition (values: ${values.join(', ')})`);
    return at;
  };
  const first = index(range.from, 'from', 0);
  const last = index(range.to, 'to', values.length - 1);
  if (last < first) throw rangeError('to', `'${range.to}' comes before '${range.from}' in the values`);
  return values.slice(first, last + 1);
}

/** A bound as epoch ms of its first partition; a date bound of hourly partitions covers the whole day. */
function parseBound(spec: PartitionsSpec, text: string | undefined, name: 'from' | 'to', edge: 'start' | 'end'): number {
  if (text === undefined) throw rangeError(name, `required for ${spec.type} partitions`);
  const date = DATE.exec(text);
  const dateHour = DATE_HOUR.exec(text);
  let time: number;
  if (date) time = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  else if (dateHour && spec.type === 'hourly') time = Date.UTC(Number(dateHour[1]), Number(dateHour[2]) - 1, Number(dateHour[3]), Number(dateHour[4]));
  else throw rangeError(name, `expected ${spec.type === 'hourly' ? 'a date (2026-01-31) or a date and hour (2026-01-31T05)' : 'a date such as 2026-01-31'}, got '${text}'`);
  // Date.UTC rolls 2026-02-30 over to March: a key that does not come back the same was not a real date.
  if (Number.isNaN(time) || !new Date(time).toISOString().startsWith(date ? text : `${text}:`)) throw rangeError(name, `'${text}' is not a real date`);
  if (date && spec.type === 'hourly' && edge === 'end') time += DAY_MS - HOUR_MS;
  return time;
}

function rangeError(name: 'from' | 'to', message: string): ValidationError {
  return new ValidationError('invalid backfill range', [{ path: name, message }]);
}
