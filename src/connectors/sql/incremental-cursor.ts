/**
 * The incremental cursor of a SQL read: where the last run stopped, and the highest value the
 * current read delivered. Rows are read in cursor order, so the last non-null value seen is the
 * highest by the database's own ordering; no JS comparison of mixed types is needed.
 */
import type { ConnectorContext, ConnectorState } from '../connector.ts';
import type { IncrementalConfig } from './sql-config.ts';

/** What is kept in the connector state between runs (JSON-safe, since the store persists it). */
export interface SqlCursorState {
  /** The cursor column, so a changed config does not reuse a value of another column. */
  column: string;
  value: string | number;
  /** Whether `value` is an ISO timestamp of a date/time cursor. */
  date?: boolean;
}

function isCursorState(value: unknown): value is SqlCursorState {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.column === 'string' && (typeof v.value === 'string' || typeof v.value === 'number');
}

/**
 * The value rows must be above: the saved state, else `incremental.initial`, else none (read
 * everything). Date cursors come back as Date.
 */
export async function loadCursor(ctx: ConnectorContext<unknown>, incremental: IncrementalConfig): Promise<unknown> {
  const saved = await ctx.state.get<unknown>();
  if (isCursorState(saved)) {
    if (saved.column === incremental.cursor) return saved.date ? new Date(saved.value) : saved.value;
    ctx.log.warn(`incremental cursor changed from '${saved.column}' to '${incremental.cursor}'; starting again from the initial value`);
  } else if (saved !== undefined) {
    ctx.log.warn('ignoring an incremental state that this connector did not write');
  }
  return incremental.initial;
}

/** Tracks the highest cursor value delivered, and saves it once the read has finished. */
export class CursorTracker {
  private last: unknown = undefined;

  constructor(readonly column: string) {}

  /** Notes one row's cursor value (rows arrive in ascending cursor order). */
  observe(value: unknown): void {
    if (value !== null && value !== undefined) this.last = value;
  }

  /** Notes a batch's rows; the cursor column must be in the result. */
  observeBatch(rows: ReadonlyArray<Record<string, unknown>>): void {
    for (let i = rows.length - 1; i >= 0; i--) {
      const value = (rows[i] as Record<string, unknown>)[this.column];
      if (value !== null && value !== undefined) {
        this.last = value;
        return;
      }
    }
  }

  /** Saves the highest value seen; without new rows the previous state stays as it is. */
  async save(state: ConnectorState): Promise<void> {
    if (this.last === undefined) return;
    await state.set(toCursorState(this.column, this.last));
  }
}

function toCursorState(column: string, value: unknown): SqlCursorState {
  if (value instanceof Date) return { column, value: value.toISOString(), date: true };
  if (typeof value === 'number' || typeof value === 'string') return { column, value };
  if (typeof value === 'bigint') return { column, value: Number.isSafeInteger(Number(value)) ? Number(value) : value.toString() };
  return { column, value: String(value) };
}
