/**
 * Error messages of nodes that name the file and line the user edits:
 * `models/staging/stg_orders.sql:12: Binder Error: Referenced column "amout" not found`.
 * A database reports a line of the compiled SQL; it is mapped back through the CTEs that were
 * inlined and then to the source line whose text matches (Jinja may add or remove lines).
 */
import { messageOf } from '../core/errors.ts';
import { SqlStatementError } from './adapters/sql-statement-error.ts';
import type { CompiledNode } from './compile.ts';
import type { DbtNode } from './dbt-node.ts';
import { JinjaError } from './jinja/jinja-error.ts';

/** The message of a node's failure, located when possible. */
export function locateNodeError(error: unknown, node: DbtNode, compiled?: CompiledNode): string {
  if (error instanceof JinjaError) return error.message;
  const message = messageOf(error);
  if (error instanceof SqlStatementError && error.line !== undefined && compiled) {
    if (node.test) return `${node.path}: test ${node.name}: ${message} (compiled SQL: ${compiled.compiledPath}:${error.line})`;
    const line = sourceLine(compiled, error.line);
    return `${node.path}:${line}: ${message} (compiled SQL: ${compiled.compiledPath})`;
  }
  if (node.test && !message.startsWith(node.path)) return `${node.path}: test ${node.name}: ${message}`;
  return message.startsWith(node.path) ? message : `${node.path}: ${message}`;
}

/** Maps a line of the compiled SQL to a line of the node's source file. */
export function sourceLine(compiled: CompiledNode, compiledLine: number): number {
  const { atLine, lines } = compiled.injection;
  let line = compiledLine;
  if (lines > 0 && line >= atLine + lines) line -= lines;
  else if (lines > 0 && line > atLine) line = atLine;
  const rendered = compiled.rendered.split('\n');
  const source = (compiled.node.rawSql ?? '').split('\n');
  const text = rendered[line - 1]?.trim() ?? '';
  if (text !== '') {
    const exact = source.flatMap((s, i) => (s.trim() === text ? [i + 1] : []));
    if (exact.length > 0) return nearest(exact, line);
  }
  if (rendered.length === source.length || text === '') return line;
  const partial = source.flatMap((s, i) => (s.includes(text) ? [i + 1] : []));
  return partial.length > 0 ? nearest(partial, line) : line;
}

function nearest(candidates: number[], line: number): number {
  return candidates.reduce((best, c) => (Math.abs(c - line) < Math.abs(best - line) ? c : best));
}
