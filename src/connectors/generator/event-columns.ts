/**
 * The hot loop: events as parallel column arrays of numbers. Each event draws from its own
 * PRNG stream (`mixSeed(seed, index)`), so event N is the same whatever the offset or batch
 * size that produced it. Text fields are kept as numbers (id words, pool indexes) and only
 * turned into strings by `toEventRecords` or bytes by `toNdjson`: allocating strings per event
 * made garbage collection half the cost.
 */
import type { EventPools } from './event-pools.ts';
import type { GeneratorPlan } from './generator-config.ts';
import { Prng, mixSeed } from './prng.ts';

/** What shapes an event's engagement and properties; custom event types are `Other`. */
export const EventKind = { PageView: 0, Click: 1, Search: 2, AddToCart: 3, Purchase: 4, Signup: 5, Login: 6, Logout: 7, Other: 8 } as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

const KIND_OF: Record<string, EventKind> = {
  page_view: EventKind.PageView,
  click: EventKind.Click,
  search: EventKind.Search,
  add_to_cart: EventKind.AddToCart,
  purchase: EventKind.Purchase,
  signup: EventKind.Signup,
  login: EventKind.Login,
  logout: EventKind.Logout,
};

/**
 * A slice of events, column by column; nested fields are flattened with `_`. Property columns
 * hold an index into the named pool, or -1 where the event lacks that property.
 */
export interface EventColumns {
  /** Index of the first event. */
  readonly offset: number;
  readonly length: number;
  /** What the indexes refer to. */
  readonly pools: EventPools;
  readonly eventTypes: readonly string[];
  /** EventKind of each entry of `eventTypes`. */
  readonly kinds: Uint8Array;
  /** Four 32-bit words per event, the UUID's 128 bits (see `eventIdOf`). */
  readonly event_id: Uint32Array;
  /** Index into `eventTypes`. */
  readonly event_type: Uint8Array;
  /** Epoch milliseconds (UTC). */
  readonly timestamp: Float64Array;
  /** Index into `pools.users`. */
  readonly user: Int32Array;
  /** Two 32-bit words per event (see `sessionIdOf`). */
  readonly session_id: Uint32Array;
  readonly session_duration_s: Int32Array;
  readonly session_pages: Int32Array;
  readonly engagement_clicks: Int32Array;
  /** In [0, 1], two decimals. */
  readonly engagement_scroll_depth: Float64Array;
  /** Purchases' amounts; NaN for every other event (null in records and NDJSON). */
  readonly amount: Float64Array;
  /** `pools.paths`. */
  readonly prop_path: Int16Array;
  /** `pools.referrers`. */
  readonly prop_referrer: Int16Array;
  /** `pools.campaigns` (property `utm_campaign`). */
  readonly prop_campaign: Int16Array;
  /** `pools.elements`. */
  readonly prop_element: Int16Array;
  /** `pools.searches` (property `query`). */
  readonly prop_query: Int16Array;
  /** The number of search results itself, not an index. */
  readonly prop_results: Int16Array;
  /** `pools.products` (properties `product_id` and `product`). */
  readonly prop_product: Int16Array;
  /** The quantity itself, not an index. */
  readonly prop_quantity: Int16Array;
  /** `pools.payments`. */
  readonly prop_payment: Int16Array;
  /** `pools.methods`. */
  readonly prop_method: Int16Array;
  /** `pools.plans`. */
  readonly prop_plan: Int16Array;
}

const SESSION_BUCKET_MS = 30 * 60_000;
const TWO_32 = 4294967296;
const round2 = (v: number) => Math.round(v * 100) / 100;

function allocate(plan: GeneratorPlan, pools: EventPools, offset: number, n: number): EventColumns {
  const none = () => new Int16Array(n).fill(-1);
  return {
    offset,
    length: n,
    pools,
    eventTypes: plan.eventTypes,
    kinds: Uint8Array.from(plan.eventTypes, (t) => KIND_OF[t] ?? EventKind.Other),
    event_id: new Uint32Array(n * 4),
    event_type: new Uint8Array(n),
    timestamp: new Float64Array(n),
    user: new Int32Array(n),
    session_id: new Uint32Array(n * 2),
    session_duration_s: new Int32Array(n),
    session_pages: new Int32Array(n),
    engagement_clicks: new Int32Array(n),
    engagement_scroll_depth: new Float64Array(n),
    amount: new Float64Array(n).fill(Number.NaN),
    prop_path: none(),
    prop_referrer: none(),
    prop_campaign: none(),
    prop_element: none(),
    prop_query: none(),
    prop_results: none(),
    prop_product: none(),
    prop_quantity: none(),
    prop_payment: none(),
    prop_method: none(),
    prop_plan: none(),
  };
}

/** Generates events `offset .. offset + n - 1` of a plan. */
export function generateEventColumns(plan: GeneratorPlan, pools: EventPools, offset: number, n: number): EventColumns {
  const cols = allocate(plan, pools, offset, n);
  const { seed, startMs, stepMs, spanMs, total, cumulativeWeights } = plan;
  const { kinds } = cols;
  const userCount = pools.users.length;
  const sessionSeed = mixSeed(seed, 0x5e5510);
  const rng = new Prng(0);
  // Squaring skews toward the front of a pool, where the popular entries are.
  const skewed = (size: number): number => {
    const r = rng.next();
    return Math.floor(r * r * size);
  };

  for (let k = 0; k < n; k++) {
    const i = offset + k;
    rng.reseed(mixSeed(seed, i));
    const w = k * 4;
    cols.event_id[w] = rng.uint32();
    cols.event_id[w + 1] = rng.uint32();
    cols.event_id[w + 2] = rng.uint32();
    cols.event_id[w + 3] = rng.uint32();

    const r = rng.next();
    let t = 0;
    while (r >= (cumulativeWeights[t] as number)) t++;
    cols.event_type[k] = t;
    const kind = kinds[t] as EventKind;

    // Evenly spread with +-1.5 steps of jitter: in order overall, a little out of order locally, like real logs.
    let ts = Math.floor(startMs + (i + 0.5 + (rng.next() - 0.5) * 3) * stepMs);
    if (ts < startMs) ts = startMs;
    if (i < total && ts >= startMs + spanMs) ts = startMs + spanMs - 1;
    cols.timestamp[k] = ts;

    const u = rng.next();
    const userIndex = Math.floor(u * u * userCount);
    cols.user[k] = userIndex;

    // A session is a user's 30-minute window, so a user's events in it share its id and stats.
    const sh = mixSeed(mixSeed(sessionSeed, userIndex), Math.floor(ts / SESSION_BUCKET_MS));
    cols.session_id[k * 2] = sh;
    cols.session_id[k * 2 + 1] = mixSeed(sh, 1);
    const sd = mixSeed(sh, 2) / TWO_32;
    cols.session_duration_s[k] = Math.round(10 + sd * sd * 3590);
    const sp = mixSeed(sh, 3) / TWO_32;
    cols.session_pages[k] = 1 + Math.floor(sp * sp * 25);

    const e1 = rng.next();
    const e2 = rng.next();
    switch (kind) {
      case EventKind.PageView:
        cols.engagement_clicks[k] = Math.floor(e1 * e1 * 4);
        cols.engagement_scroll_depth[k] = round2(Math.sqrt(e2));
        cols.prop_path[k] = skewed(pools.paths.length);
        if (rng.next() < 0.5) cols.prop_referrer[k] = skewed(pools.referrers.length);
        if (rng.next() < 0.1) cols.prop_campaign[k] = skewed(pools.campaigns.length);
        break;
      case EventKind.Click:
        cols.engagement_clicks[k] = 1 + Math.floor(e1 * e1 * 9);
        cols.engagement_scroll_depth[k] = round2(e2);
        cols.prop_path[k] = skewed(pools.paths.length);
        cols.prop_element[k] = skewed(pools.elements.length);
        break;
      case EventKind.Search:
        cols.engagement_clicks[k] = Math.floor(e1 * 3);
        cols.engagement_scroll_depth[k] = round2(e2 * 0.6);
        cols.prop_query[k] = skewed(pools.searches.length);
        cols.prop_results[k] = rng.int(200);
        break;
      case EventKind.AddToCart:
      case EventKind.Purchase: {
        cols.engagement_clicks[k] = 1 + Math.floor(e1 * 5);
        cols.engagement_scroll_depth[k] = round2(0.3 + e2 * 0.7);
        const product = skewed(pools.products.length);
        const quantity = 1 + skewed(3);
        cols.prop_product[k] = product;
        cols.prop_quantity[k] = quantity;
        if (kind === EventKind.Purchase) {
          cols.prop_payment[k] = skewed(pools.payments.length);
          cols.amount[k] = round2((pools.products[product] as (typeof pools.products)[number]).price * quantity);
        }
        break;
      }
      case EventKind.Signup:
        cols.engagement_clicks[k] = 1 + Math.floor(e1 * 3);
        cols.engagement_scroll_depth[k] = round2(e2 * 0.5);
        cols.prop_method[k] = skewed(pools.methods.length);
        cols.prop_plan[k] = skewed(pools.plans.length);
        break;
      case EventKind.Login:
        cols.engagement_clicks[k] = 1;
        cols.prop_method[k] = skewed(pools.methods.length);
        break;
      case EventKind.Logout:
        cols.engagement_clicks[k] = 1;
        break;
      default:
        cols.engagement_clicks[k] = Math.floor(e1 * 3);
        cols.engagement_scroll_depth[k] = round2(e2);
        cols.prop_path[k] = skewed(pools.paths.length);
    }
  }
  return cols;
}
