/**
 * What changed between two versions of a pipeline spec: a unified diff of their YAML
 * renderings (what a reviewer reads) and a structured summary (what a UI badges): tasks
 * added, removed and changed, and the other top-level fields that changed.
 */
import { stringify } from 'yaml';
import type { PipelineSpec } from './pipeline-spec.ts';
import { canonicalJson } from './spec-version.ts';

export interface SpecDiffSummary {
  tasksAdded: string[];
  tasksRemoved: string[];
  /** Tasks in both versions whose definition differs. */
  tasksChanged: string[];
  /** Top-level fields other than `tasks` that differ (`params`, `defaults`, `description`, ...). */
  fieldsChanged: string[];
}

export interface SpecDiff {
  /** Unified diff (`---`/`+++` headers, `@@` hunks with 3 lines of context); empty when the renderings are equal. */
  unified: string;
  summary: SpecDiffSummary;
}

export interface SpecDiffOptions {
  /** Names of the two sides in the diff headers (default `from`, `to`). */
  fromLabel?: string;
  toLabel?: string;
}

/**
 * Compares two specs (as stored: plain JSON); a `from` of null stands for "nothing yet", so
 * the first version of a pipeline diffs as all added.
 * @example
 * const { unified, summary } = specDiff(v1.spec, v2.spec, { fromLabel: `hello@${v1.version}`, toLabel: `hello@${v2.version}` });
 */
export function specDiff(from: PipelineSpec | null, to: PipelineSpec, options: SpecDiffOptions = {}): SpecDiff {
  return {
    unified: unifiedDiff(from === null ? '' : specYaml(from), specYaml(to), options),
    summary: summarize(from, to),
  };
}

/** The YAML a spec is shown as; stored specs keep their key order, so two versions line up. */
export function specYaml(spec: PipelineSpec): string {
  return stringify(spec, { lineWidth: 0 });
}

function summarize(from: PipelineSpec | null, to: PipelineSpec): SpecDiffSummary {
  const before = new Map((from?.tasks ?? []).map((task) => [task.id, canonicalJson(task)]));
  const after = new Map(to.tasks.map((task) => [task.id, canonicalJson(task)]));
  const fromFields = (from ?? {}) as Record<string, unknown>;
  const toFields = to as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(fromFields), ...Object.keys(toFields)])].filter((key) => key !== 'tasks');
  return {
    tasksAdded: [...after.keys()].filter((id) => !before.has(id)),
    tasksRemoved: [...before.keys()].filter((id) => !after.has(id)),
    tasksChanged: [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id)),
    fieldsChanged: fields.filter((key) => canonicalJson(fromFields[key]) !== canonicalJson(toFields[key])).sort(),
  };
}

/** Above this many cells the LCS table costs too much memory; the differing middle is then shown as one replacement. */
const MAX_LCS_CELLS = 4_000_000;
const CONTEXT_LINES = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

/**
 * A unified diff of two texts, line by line, from their longest common subsequence. The
 * common head and tail are trimmed first, so the table covers only the lines around changes.
 */
export function unifiedDiff(a: string, b: string, options: SpecDiffOptions = {}): string {
  if (a === b) return '';
  const ops = diffLines(splitLines(a), splitLines(b));
  const hunks = toHunks(ops);
  const header = [`--- ${options.fromLabel ?? 'from'}`, `+++ ${options.toLabel ?? 'to'}`];
  return [...header, ...hunks].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const same = (lines: string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  return [...same(a.slice(0, head)), ...lcsOps(midA, midB), ...same(a.slice(a.length - tail))];
}

function lcsOps(a: string[], b: string[]): Op[] {
  const removed = (lines: string[]): Op[] => lines.map((line) => ({ kind: '-', line }));
  const added = (lines: string[]): Op[] => lines.map((line) => ({ kind: '+', line }));
  if (a.length === 0 || b.length === 0 || (a.length + 1) * (b.length + 1) > MAX_LCS_CELLS) return [...removed(a), ...added(b)];
  // lengths[i * width + j] = LCS length of a[i..] and b[j..].
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j] ? (lengths[(i + 1) * width + j + 1] as number) + 1 : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] as string });
      j++;
    } else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) {
      ops.push({ kind: '-', line: a[i++] as string });
    } else {
      ops.push({ kind: '+', line: b[j++] as string });
    }
  }
  return [...ops, ...removed(a.slice(i)), ...added(b.slice(j))];
}

/** Groups the changes with their context into `@@ -l,n +l,n @@` hunks; nearby changes share one. */
function toHunks(ops: Op[]): string[] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, (changed[k] as number) - CONTEXT_LINES);
    let end = (changed[k] as number) + CONTEXT_LINES + 1;
    // Merge the following changes whose context would touch this hunk's.
    while (k + 1 < changed.length && (changed[k + 1] as number) - CONTEXT_LINES <= end) end = (changed[++k] as number) + CONTEXT_LINES + 1;
    end = Math.min(end, ops.length);
    k++;
    const slice = ops.slice(start, end);
    const before = ops.slice(0, start);
    const fromStart = before.filter((op) => op.kind !== '+').length + 1;
    const toStart = before.filter((op) => op.kind !== '-').length + 1;
    const fromCount = slice.filter((op) => op.kind !== '+').length;
    const toCount = slice.filter((op) => op.kind !== '-').length;
    // An empty side starts at the line before it, as diff(1) writes it.
    out.push(`@@ -${fromCount === 0 ? fromStart - 1 : fromStart},${fromCount} +${toCount === 0 ? toStart - 1 : toStart},${toCount} @@`);
    for (const op of slice) out.push(op.kind + op.line);
  }
  return out;
}
