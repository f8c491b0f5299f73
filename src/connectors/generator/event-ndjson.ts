/**
 * Events as NDJSON bytes, the fast path into DuckDB (`read_json` with GENERATOR_COLUMNS).
 * Bytes are written straight into one buffer: every text value comes from a pool whose JSON
 * fragments are encoded once, and numbers, hex ids and timestamps are written digit by digit.
 * Building a JS string per event and encoding it cost several times as much, mostly in GC.
 */
import { EventKind, type EventColumns } from './event-columns.ts';
import type { EventPools } from './event-pools.ts';

type Bytes = Uint8Array;

/** Each pool entry pre-encoded as a JSON member such as `"path":"/cart"`. */
interface Fragments {
  users: Bytes[];
  currencies: Bytes[];
  paths: Bytes[];
  referrers: Bytes[];
  campaigns: Bytes[];
  elements: Bytes[];
  searches: Bytes[];
  products: Bytes[];
  payments: Bytes[];
  methods: Bytes[];
  plans: Bytes[];
  /** Upper bound of one line's length. */
  maxLine: number;
}

const utf8 = (text: string): Bytes => Buffer.from(text, 'utf8');
const member = (key: string, value: string): Bytes => utf8(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
const longest = (list: Bytes[]) => list.reduce((m, b) => Math.max(m, b.length), 0);

// Keyed by the pools object: fragments live exactly as long as the generator that made them.
const fragmentCache = new WeakMap<EventPools, Fragments>();

function fragmentsOf(pools: EventPools): Fragments {
  const cached = fragmentCache.get(pools);
  if (cached) return cached;
  const f: Omit<Fragments, 'maxLine'> = {
    users: pools.users.map((u) => utf8(u.json)),
    currencies: pools.users.map((u) => member('currency', u.currency)),
    paths: pools.paths.map((v) => member('path', v)),
    referrers: pools.referrers.map((v) => member('referrer', v)),
    campaigns: pools.campaigns.map((v) => member('utm_campaign', v)),
    elements: pools.elements.map((v) => member('element', v)),
    searches: pools.searches.map((v) => member('query', v)),
    products: pools.products.map((p) => utf8(`${JSON.stringify('product_id')}:${JSON.stringify(p.id)},${JSON.stringify('product')}:${JSON.stringify(p.name)}`)),
    payments: pools.payments.map((v) => member('payment', v)),
    methods: pools.methods.map((v) => member('method', v)),
    plans: pools.plans.map((v) => member('plan', v)),
  };
  const props = Object.entries(f)
    .filter(([name]) => name !== 'users')
    .reduce((sum, [, list]) => sum + longest(list) + 1, 0);
  const fragments = { ...f, maxLine: 400 + longest(f.users) + props };
  fragmentCache.set(pools, fragments);
  return fragments;
}

const HEX = utf8('0123456789abcdef');
const EVENT_ID = utf8('{"event_id":"');
const EVENT_TYPE = utf8('","event_type":');
const TIMESTAMP = utf8(',"timestamp":"');
const SESSION = utf8(',"session":{"id":"s_');
const DURATION = utf8('","duration_s":');
const PAGES = utf8(',"pages":');
const CLICKS = utf8('},"engagement":{"clicks":');
const SCROLL = utf8(',"scroll_depth":');
const PROPERTIES = utf8('},"properties":{');
const AMOUNT = utf8('},"amount":');
const NULL_END = utf8('null}\n');
const RESULTS = utf8('"results":"');
const QUANTITY = utf8('"quantity":"');
const QUOTE = 0x22;
const COMMA = 0x2c;

/** A growable byte buffer with the few writers NDJSON lines need. */
class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, capacity));
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bytes(b: Bytes): void {
    // A loop beats TypedArray#set for the short fragments that dominate here.
    const { buf } = this;
    let p = this.pos;
    if (b.length > 48) {
      buf.set(b, p);
      p += b.length;
    } else for (let i = 0; i < b.length; i++) buf[p++] = b[i] as number;
    this.pos = p;
  }

  /** Whether the next `member` opens an object (no comma before it). */
  first = true;

  /** A pre-encoded `"key":"value"` in an object, with a comma when not the first. */
  member(b: Bytes): void {
    if (this.first) this.first = false;
    else this.buf[this.pos++] = COMMA;
    this.bytes(b);
  }

  /** `"key":"123"`: `key` is the pre-encoded `"key":"`. */
  numberMember(key: Bytes, value: number): void {
    this.member(key);
    this.uint(value);
    this.buf[this.pos++] = QUOTE;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer below 2^53. */
  uint(v: number): void {
    if (v < 10) {
      this.buf[this.pos++] = 48 + v;
      return;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = v; p > this.pos - digits; x = Math.floor(x / 10)) this.buf[--p] = 48 + (x % 10);
  }

  /** `digits` zero-padded decimal digits. */
  padded(v: number, digits: number): void {
    for (let p = this.pos + digits - 1; p >= this.pos; p--, v = Math.floor(v / 10)) this.buf[p] = 48 + (v % 10);
    this.pos += digits;
  }

  /** A number with at most two decimals, such as `12.5` or `0.07`. */
  fixed2(v: number): void {
    const cents = Math.round(v * 100);
    const whole = Math.floor(cents / 100);
    const frac = cents - whole * 100;
    this.uint(whole);
    if (frac === 0) return;
    this.buf[this.pos++] = 0x2e;
    this.buf[this.pos++] = 48 + Math.floor(frac / 10);
    if (frac % 10 !== 0) this.buf[this.pos++] = 48 + (frac % 10);
  }

  /** The low `digits * 4` bits of `v` as lowercase hex. */
  hex(v: number, digits: number): void {
    for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) this.buf[this.pos++] = HEX[(v >>> shift) & 15] as number;
  }
}

/** Writes `YYYY-MM-DDTHH:MM:SS.mmmZ`, caching the part up to the minute. */
class TimestampWriter {
  private minute = Number.NaN;
  private prefix: Bytes = new Uint8Array(0);

  write(out: ByteWriter, ms: number): void {
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.prefix = utf8(new Date(minute * 60_000).toISOString().slice(0, -7));
    }
    const rest = ms - minute * 60_000;
    const seconds = Math.floor(rest / 1000);
    out.bytes(this.prefix);
    out.padded(seconds, 2);
    out.byte(0x2e);
    out.padded(rest - seconds * 1000, 3);
    out.byte(0x5a);
  }
}

/**
 * One JSON object per event, each line ending in `\n`, keys in GENERATOR_COLUMNS order, as
 * UTF-8 bytes (call `.toString()` for text).
 *
 * @example
 * await fileHandle.write(toNdjson(generator.columns(offset, 50_000)));
 */
export function toNdjson(cols: EventColumns): Buffer {
  const f = fragmentsOf(cols.pools);
  const types = cols.eventTypes.map((t) => utf8(JSON.stringify(t)));
  const out = new ByteWriter(cols.length * 480);
  const ts = new TimestampWriter();
  for (let k = 0; k < cols.length; k++) {
    out.ensure(f.maxLine);
    const w = k * 4;
    out.bytes(EVENT_ID);
    out.hex(cols.event_id[w] as number, 8);
    out.byte(0x2d);
    const b = cols.event_id[w + 1] as number;
    out.hex(b >>> 16, 4);
    out.byte(0x2d);
    out.byte(0x34);
    out.hex(b, 3);
    out.byte(0x2d);
    const c = (((cols.event_id[w + 2] as number) & 0x3fffffff) | 0x80000000) >>> 0;
    out.hex(c >>> 16, 4);
    out.byte(0x2d);
    out.hex(c, 4);
    out.hex(cols.event_id[w + 3] as number, 8);
    out.bytes(EVENT_TYPE);
    const t = cols.event_type[k] as number;
    out.bytes(types[t] as Bytes);
    out.bytes(TIMESTAMP);
    ts.write(out, cols.timestamp[k] as number);
    out.byte(QUOTE);
    out.byte(COMMA);
    const user = cols.user[k] as number;
    out.bytes(f.users[user] as Bytes);
    out.bytes(SESSION);
    out.hex(cols.session_id[k * 2] as number, 8);
    out.hex(cols.session_id[k * 2 + 1] as number, 8);
    out.bytes(DURATION);
    out.uint(cols.session_duration_s[k] as number);
    out.bytes(PAGES);
    out.uint(cols.session_pages[k] as number);
    out.bytes(CLICKS);
    out.uint(cols.engagement_clicks[k] as number);
    out.bytes(SCROLL);
    out.fixed2(cols.engagement_scroll_depth[k] as number);
    out.bytes(PROPERTIES);
    writeProperties(out, cols, f, k, cols.kinds[t] === EventKind.Purchase ? (f.currencies[user] as Bytes) : undefined);
    out.bytes(AMOUNT);
    const amount = cols.amount[k] as number;
    if (Number.isNaN(amount)) out.bytes(NULL_END);
    else {
      out.fixed2(amount);
      out.byte(0x7d);
      out.byte(0x0a);
    }
  }
  return out.buf.subarray(0, out.pos);
}

// No closures here: under tsx (esbuild keepNames) each closure made per event costs a `__name` call.
function writeProperties(out: ByteWriter, cols: EventColumns, f: Fragments, k: number, currency: Bytes | undefined): void {
  out.first = true;
  let i = cols.prop_path[k] as number;
  if (i >= 0) out.member(f.paths[i] as Bytes);
  i = cols.prop_referrer[k] as number;
  if (i >= 0) out.member(f.referrers[i] as Bytes);
  i = cols.prop_campaign[k] as number;
  if (i >= 0) out.member(f.campaigns[i] as Bytes);
  i = cols.prop_element[k] as number;
  if (i >= 0) out.member(f.elements[i] as Bytes);
  i = cols.prop_query[k] as number;
  if (i >= 0) out.member(f.searches[i] as Bytes);
  i = cols.prop_results[k] as number;
  if (i >= 0) out.numberMember(RESULTS, i);
  i = cols.prop_product[k] as number;
  if (i >= 0) out.member(f.products[i] as Bytes);
  i = cols.prop_quantity[k] as number;
  if (i >= 0) out.numberMember(QUANTITY, i);
  if (currency) out.member(currency);
  i = cols.prop_payment[k] as number;
  if (i >= 0) out.member(f.payments[i] as Bytes);
  i = cols.prop_method[k] as number;
  if (i >= 0) out.member(f.methods[i] as Bytes);
  i = cols.prop_plan[k] as number;
  if (i >= 0) out.member(f.plans[i] as Bytes);
}
