/**
 * Events as nested plain objects, what `read` yields. Each row gets its own objects (users'
 * included), so a consumer that mutates a row cannot corrupt the pools or other rows.
 */
import type { RecordBatch } from '../connector.ts';
import type { EventColumns } from './event-columns.ts';
import { eventIdOf, eventTypeOf, propertiesOf, sessionIdOf } from './event-fields.ts';
import { IsoTimestamps } from './iso-timestamps.ts';

/** Turns columns into rows shaped like GENERATOR_COLUMNS (timestamps as ISO strings). */
export function toEventRecords(cols: EventColumns): RecordBatch {
  const iso = new IsoTimestamps();
  const users = cols.pools.users;
  const rows: RecordBatch = new Array(cols.length);
  for (let k = 0; k < cols.length; k++) {
    const user = users[cols.user[k] as number] as (typeof users)[number];
    const amount = cols.amount[k] as number;
    rows[k] = {
      event_id: eventIdOf(cols, k),
      event_type: eventTypeOf(cols, k),
      timestamp: iso.format(cols.timestamp[k] as number),
      user: {
        id: user.id,
        agent: { browser: user.agent.browser, os: user.agent.os, device: user.agent.device },
        country: user.country,
        city: user.city,
        geo: { lat: user.geo.lat, lon: user.geo.lon },
      },
      session: { id: sessionIdOf(cols, k), duration_s: cols.session_duration_s[k], pages: cols.session_pages[k] },
      engagement: { clicks: cols.engagement_clicks[k], scroll_depth: cols.engagement_scroll_depth[k] },
      properties: propertiesOf(cols, k),
      amount: Number.isNaN(amount) ? null : amount,
    };
  }
  return rows;
}
