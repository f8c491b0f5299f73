/**
 * Reading one event's text fields out of EventColumns, for callers that want strings rather
 * than the columns' numbers.
 */
import { EventKind, type EventColumns } from './event-columns.ts';
import { hex32, uuidFrom } from './prng.ts';

/** The event's UUID: the four id words with the version (4) and variant bits set. */
export function eventIdOf(cols: EventColumns, k: number): string {
  const w = k * 4;
  return uuidFrom(cols.event_id[w] as number, cols.event_id[w + 1] as number, cols.event_id[w + 2] as number, cols.event_id[w + 3] as number);
}

/** The session id, `s_` and 16 hex digits. */
export function sessionIdOf(cols: EventColumns, k: number): string {
  return `s_${hex32(cols.session_id[k * 2] as number)}${hex32(cols.session_id[k * 2 + 1] as number)}`;
}

/** The event type's name. */
export function eventTypeOf(cols: EventColumns, k: number): string {
  return cols.eventTypes[cols.event_type[k] as number] as string;
}

/** The event's properties as a string map (what becomes `MAP(VARCHAR, VARCHAR)`). */
export function propertiesOf(cols: EventColumns, k: number): Record<string, string> {
  const { pools } = cols;
  const props: Record<string, string> = {};
  // Written out rather than looped over a table: this runs once per event on the `read` path.
  let i = cols.prop_path[k] as number;
  if (i >= 0) props.path = pools.paths[i] as string;
  i = cols.prop_referrer[k] as number;
  if (i >= 0) props.referrer = pools.referrers[i] as string;
  i = cols.prop_campaign[k] as number;
  if (i >= 0) props.utm_campaign = pools.campaigns[i] as string;
  i = cols.prop_element[k] as number;
  if (i >= 0) props.element = pools.elements[i] as string;
  i = cols.prop_query[k] as number;
  if (i >= 0) props.query = pools.searches[i] as string;
  i = cols.prop_results[k] as number;
  if (i >= 0) props.results = String(i);
  i = cols.prop_product[k] as number;
  if (i >= 0) {
    const product = pools.products[i] as (typeof pools.products)[number];
    props.product_id = product.id;
    props.product = product.name;
  }
  i = cols.prop_quantity[k] as number;
  if (i >= 0) props.quantity = String(i);
  if (cols.kinds[cols.event_type[k] as number] === EventKind.Purchase) props.currency = (pools.users[cols.user[k] as number] as (typeof pools.users)[number]).currency;
  i = cols.prop_payment[k] as number;
  if (i >= 0) props.payment = pools.payments[i] as string;
  i = cols.prop_method[k] as number;
  if (i >= 0) props.method = pools.methods[i] as string;
  i = cols.prop_plan[k] as number;
  if (i >= 0) props.plan = pools.plans[i] as string;
  return props;
}
