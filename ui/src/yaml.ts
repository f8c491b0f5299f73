/**
 * A small YAML writer for showing a stored (JSON) spec the way users write it: block
 * mappings and sequences, short scalar lists in flow style, multi-line strings as literal
 * blocks, and quotes only where a plain scalar would be read back differently.
 */

const PLAIN_UNSAFE = /^[\s\-?:,[\]{}#&*!|>'"%@`]|[\s]$|:$|: |\s#|^(?:true|false|yes|no|on|off|null|~|y|n)$|^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$|^0x|^[-+]?\.(?:inf|nan)$/i;
const FLOW_UNSAFE = /[,[\]{}]/;

/** Control characters cannot stand in a plain scalar; JSON's escapes are valid YAML. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

function scalar(value: unknown, inFlow = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  const text = String(value);
  if (text === '' || PLAIN_UNSAFE.test(text) || (inFlow && FLOW_UNSAFE.test(text)) || hasControl(text)) return JSON.stringify(text);
  return text;
}

function key(name: string): string {
  return name === '' || PLAIN_UNSAFE.test(name) || name.includes(':') ? JSON.stringify(name) : name;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value placed after `key:` or `- `: inline, or on the following lines. */
function nested(value: unknown, indent: string): string {
  if (typeof value === 'string' && value.includes('\n')) {
    const chomp = value.endsWith('\n') ? '' : '-';
    const body = value.replace(/\n$/, '').split('\n').map((line) => (line ? indent + '  ' + line : ''));
    return ` |${chomp}\n${body.join('\n')}`;
  }
  if (isScalar(value)) return ` ${scalar(value)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    if (value.every(isScalar)) {
      const flow = `[${value.map((v) => scalar(v, true)).join(', ')}]`;
      if (flow.length <= 72) return ` ${flow}`;
    }
    return `\n${sequence(value, indent + '  ')}`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return ' {}';
  return `\n${mapping(value as Record<string, unknown>, indent + '  ')}`;
}

function mapping(object: Record<string, unknown>, indent: string): string {
  return Object.entries(object)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${indent}${key(k)}:${nested(v, indent)}`)
    .join('\n');
}

function sequence(items: unknown[], indent: string): string {
  return items
    .map((item) => {
      if (isPlainObject(item) && Object.keys(item).length > 0) {
        // The first key sits on the dash line; the rest align under it.
        const body = mapping(item, indent + '  ');
        return `${indent}- ${body.slice(indent.length + 2)}`;
      }
      if (Array.isArray(item) && item.length > 0 && !item.every(isScalar)) return `${indent}-\n${sequence(item, indent + '  ')}`;
      return `${indent}-${nested(item, indent)}`;
    })
    .join('\n');
}

/**
 * Writes a JSON value as YAML text.
 * @example
 * toYaml({ id: 'hello', tags: ['a', 'b'] }) // "id: hello\ntags: [a, b]\n"
 */
export function toYaml(value: unknown): string {
  if (isPlainObject(value)) return Object.keys(value).length === 0 ? '{}\n' : `${mapping(value, '')}\n`;
  if (Array.isArray(value)) return value.length === 0 ? '[]\n' : `${sequence(value, '')}\n`;
  return `${scalar(value)}\n`;
}
