/**
 * The version of a spec is the hash of its content, so registering the same spec twice gives
 * the same version and any change gives a new one. Functions count by their source text.
 */
import { createHash } from 'node:crypto';
import type { PipelineSpec } from './pipeline-spec.ts';

/** JSON with sorted keys, functions as their source text: a stable form to hash and store. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function') return `[function ${v.toString()}]`;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/** A short content hash of the spec, used as its version id. */
export function specVersion(spec: PipelineSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}

/** The spec as stored and returned by the API: plain JSON, `run` functions left out. */
export function storableSpec(spec: PipelineSpec): PipelineSpec {
  return JSON.parse(JSON.stringify(spec, (key, v: unknown) => (key === 'run' && typeof v === 'function' ? undefined : v))) as PipelineSpec;
}
