/**
 * Reads YAML text into a plain value, refusing the hazards of untrusted YAML with a clear error:
 * alias bombs (billion laughs), documents over a size cap, several documents, non-mapping roots.
 */
import { parseDocument } from 'yaml';
import { ValidationError } from '../errors.ts';

/** Largest spec accepted, in bytes: specs are configuration, not data. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Most alias expansions accepted; a few are handy for shared defaults, thousands are an attack. */
export const MAX_YAML_ALIASES = 100;

/** Parses one YAML document whose root must be a mapping. `source` names it in errors. */
export function parseYamlMapping(text: string, source = 'spec'): Record<string, unknown> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SPEC_BYTES) {
    throw new ValidationError(`${source}: YAML document is ${bytes} bytes, over the ${MAX_SPEC_BYTES}-byte limit`, [], 'YAML_INVALID');
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => ({ path: locate(error.linePos?.[0]), message: error.message.split('\n')[0] ?? error.message }));
    throw new ValidationError(`${source}: invalid YAML`, issues, 'YAML_INVALID');
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    throw new ValidationError(`${source}: ${(error as Error).message} (alias expansion is capped at ${MAX_YAML_ALIASES} to refuse alias bombs)`, [], 'YAML_INVALID');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null || value === undefined ? 'an empty document' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new ValidationError(`${source}: the YAML root must be a mapping of pipeline fields, got ${got}`, [], 'YAML_INVALID');
  }
  return value as Record<string, unknown>;
}

function locate(pos: { line: number; col: number } | undefined): string {
  return pos ? `line ${pos.line}, column ${pos.col}` : '';
}
