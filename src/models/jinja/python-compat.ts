/**
 * What dbt projects write in Jinja that nunjucks does not do out of the box: Python's string
 * methods (`name.upper()`, `', '.join(cols)`, `s.replace(a, b)` replacing every match), dict and
 * list methods (`.items()`, `.append()`, via nunjucks's own Jinja compatibility), the `do` tag,
 * and the filters and tests dbt adds or Jinja has (`as_number`, `tojson`, `map(attribute=...)`,
 * `format`, `is none`, ...).
 */
import nunjucks from 'nunjucks';

type AnyFn = (...args: unknown[]) => unknown;

interface NunjucksRuntime {
  memberLookup: AnyFn;
  SafeString: new (value: string) => { toString(): string };
}

const runtime = (nunjucks as unknown as { runtime: NunjucksRuntime }).runtime;

/** Splits nunjucks call arguments into positional ones and `name=value` keywords. */
export function splitArgs(args: readonly unknown[]): { positional: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && (last as { __keywords?: unknown }).__keywords === true) {
    const { __keywords: _ignored, ...kwargs } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), kwargs };
  }
  return { positional: [...args], kwargs: {} };
}

function isText(value: unknown): boolean {
  return typeof value === 'string' || value instanceof runtime.SafeString;
}

function stripChars(text: string, chars: unknown, side: 'both' | 'left' | 'right'): string {
  if (chars === undefined || chars === null) return side === 'both' ? text.trim() : side === 'left' ? text.trimStart() : text.trimEnd();
  const set = new Set(String(chars));
  let start = 0;
  let end = text.length;
  if (side !== 'right') while (start < end && set.has(text[start] as string)) start++;
  if (side !== 'left') while (end > start && set.has(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

function pySplit(text: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts = text.trim().split(/\s+/).filter((p) => p.length > 0);
    return limit === Infinity || parts.length <= limit ? parts : [...parts.slice(0, limit), parts.slice(limit).join(' ')];
  }
  const all = text.split(String(sep));
  return limit === Infinity || all.length <= limit + 1 ? all : [...all.slice(0, limit), all.slice(limit).join(String(sep))];
}

/** `'{} and {name}'.format(a, name=b)`: positional, numbered and named fields. */
function pyFormat(template: string, args: unknown[]): string {
  const { positional, kwargs } = splitArgs(args);
  let next = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const key = field ?? '';
    if (key === '') return String(positional[next++] ?? '');
    if (/^\d+$/.test(key)) return String(positional[Number(key)] ?? '');
    return String(kwargs[key] ?? '');
  });
}

const STRING_METHODS: Record<string, (text: string, ...args: unknown[]) => unknown> = {
  upper: (t) => t.toUpperCase(),
  lower: (t) => t.toLowerCase(),
  strip: (t, chars) => stripChars(t, chars, 'both'),
  lstrip: (t, chars) => stripChars(t, chars, 'left'),
  rstrip: (t, chars) => stripChars(t, chars, 'right'),
  startswith: (t, prefix) => (Array.isArray(prefix) ? prefix.some((p) => t.startsWith(String(p))) : t.startsWith(String(prefix))),
  endswith: (t, suffix) => (Array.isArray(suffix) ? suffix.some((s) => t.endsWith(String(s))) : t.endsWith(String(suffix))),
  replace: (t, from, to, count) => {
    if (typeof count !== 'number' || count < 0) return t.split(String(from)).join(String(to));
    let out = t;
    for (let i = 0, at = 0; i < count; i++) {
      const found = out.indexOf(String(from), at);
      if (found < 0) break;
      out = out.slice(0, found) + String(to) + out.slice(found + String(from).length);
      at = found + String(to).length;
    }
    return out;
  },
  split: (t, sep, maxsplit) => pySplit(t, sep, maxsplit),
  splitlines: (t) => t.split(/\r?\n/),
  join: (t, items) => (Array.isArray(items) ? items.map(String).join(t) : ''),
  title: (t) => t.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (t) => t.charAt(0).toUpperCase() + t.slice(1).toLowerCase(),
  find: (t, sub) => t.indexOf(String(sub)),
  count: (t, sub) => (String(sub) === '' ? t.length + 1 : t.split(String(sub)).length - 1),
  isdigit: (t) => /^\d+$/.test(t),
  zfill: (t, width) => t.padStart(Number(width), '0'),
  format: (t, ...args) => pyFormat(t, args),
};

let installed = false;

/**
 * Patches nunjucks's runtime member lookup so strings get Python's methods, after nunjucks's own
 * Jinja compatibility (dict and list methods, slices). nunjucks keeps one runtime per process,
 * so this runs once; it only adds methods plain nunjucks templates could not call anyway.
 */
export function installPythonCompat(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  const base = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, ...args: unknown[]): unknown {
    const [obj, name] = args;
    if (args.length < 4 && isText(obj) && typeof name === 'string' && Object.hasOwn(STRING_METHODS, name)) {
      const method = STRING_METHODS[name] as (text: string, ...rest: unknown[]) => unknown;
      return (...rest: unknown[]) => method(String(obj), ...rest);
    }
    return base.apply(this, args);
  };
}

/** Python's `%` formatting, as Jinja's `format` filter: `"%s-%05.2f"|format(a, b)`. */
function percentFormat(template: string, ...values: unknown[]): string {
  let next = 0;
  return template.replace(/%([-+ 0]*)(\d+)?(?:\.(\d+))?([sdifr%])/g, (_match, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%') return '%';
    const value = values[next++];
    let text: string;
    if (type === 'd' || type === 'i') text = String(Math.trunc(Number(value)));
    else if (type === 'f') text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
    else text = String(value);
    const size = width === undefined ? 0 : Number(width);
    return flags.includes('-') ? text.padEnd(size) : text.padStart(size, flags.includes('0') && type !== 's' ? '0' : ' ');
  });
}

function asNative(value: unknown): unknown {
  if (!isText(value)) return value;
  const text = String(value).trim();
  try {
    return JSON.parse(text);
  } catch {
    if (text === 'True') return true;
    if (text === 'False') return false;
    if (text === 'None') return null;
    return String(value);
  }
}

/** The `{% do expr %}` tag: evaluates an expression for its effect (`{% do cols.append(c) %}`). */
class DoExtension {
  readonly tags = ['do'];

  parse(parser: { nextToken(): { value: string; lineno: number; colno: number }; parseExpression(): unknown; advanceAfterBlockEnd(name: string): void }, nodes: Record<string, new (...args: unknown[]) => unknown>): unknown {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new (nodes.CallExtension as new (...args: unknown[]) => unknown)(this, 'run', new (nodes.NodeList as new (...args: unknown[]) => unknown)(token.lineno, token.colno, [expression]));
  }

  run(): string {
    return '';
  }
}

/** Adds dbt's and Jinja's filters and tests, and the `do` tag, to an environment. */
export function addPythonFilters(env: nunjucks.Environment): void {
  env.addFilter('format', (template: unknown, ...values: unknown[]) => percentFormat(String(template), ...values));
  env.addFilter('as_bool', (v: unknown) => {
    const native = asNative(v);
    return typeof native === 'boolean' ? native : Boolean(native);
  });
  env.addFilter('as_number', (v: unknown) => Number(asNative(v)));
  env.addFilter('as_text', (v: unknown) => (v === null || v === undefined ? '' : String(v)));
  env.addFilter('as_native', asNative);
  env.addFilter('tojson', (v: unknown, indent?: unknown) => JSON.stringify(v, null, typeof indent === 'number' ? indent : undefined));
  env.addFilter('count', (v: unknown) => (Array.isArray(v) ? v.length : isText(v) ? String(v).length : Object.keys(v ?? {}).length));
  env.addFilter('unique', (v: unknown) => (Array.isArray(v) ? [...new Set(v)] : v));
  env.addFilter('min', (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.reduce((a, b) => (b < a ? b : a)) : undefined));
  env.addFilter('max', (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.reduce((a, b) => (b > a ? b : a)) : undefined));
  env.addFilter('bool', (v: unknown) => Boolean(asNative(v)));
  env.addFilter('items', (v: unknown) => Object.entries((v ?? {}) as Record<string, unknown>));
  env.addFilter('map', (items: unknown, ...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const list = Array.isArray(items) ? items : [];
    if (typeof kwargs.attribute === 'string') {
      const attribute = kwargs.attribute;
      return list.map((item) => (item as Record<string, unknown> | null)?.[attribute] ?? kwargs.default);
    }
    const filterName = positional[0];
    if (typeof filterName !== 'string') return list;
    const filter = env.getFilter(filterName);
    return list.map((item) => filter(item, ...positional.slice(1)));
  });
  // addTest is missing from @types/nunjucks.
  const tests = env as unknown as { addTest(name: string, test: (value: unknown) => boolean): void };
  tests.addTest('none', (v: unknown) => v === null || v === undefined);
  tests.addTest('sequence', (v: unknown) => Array.isArray(v) || isText(v));
  tests.addTest('boolean', (v: unknown) => typeof v === 'boolean');
  tests.addTest('integer', (v: unknown) => Number.isInteger(v));
  tests.addTest('float', (v: unknown) => typeof v === 'number' && !Number.isInteger(v));
  tests.addTest('true', (v: unknown) => v === true);
  tests.addTest('false', (v: unknown) => v === false);
  env.addExtension('do', new DoExtension());
}
