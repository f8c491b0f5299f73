/**
 * Runs a compiled test: counts the rows its SELECT returns (the failures) and decides pass, warn
 * or fail from its `severity` and the `warn_if` / `error_if` thresholds (default `!= 0`).
 */
import { ValidationError } from '../core/errors.ts';
import type { ModelAdapter } from './adapters/model-adapter.ts';
import { SqlStatementError } from './adapters/sql-statement-error.ts';
import type { CompiledNode } from './compile.ts';
import { severityOf } from './node-config.ts';

/** How a test ended and how many rows failed it. */
export interface TestOutcome {
  status: 'pass' | 'warn' | 'fail';
  failures: number;
  message: string;
}

/** Whether `failures` meets a threshold such as `!=0`, `>10`, `>= 5`. */
export function thresholdMet(expression: unknown, failures: number, where: string): boolean {
  const match = /^\s*(!=|<>|>=|<=|==|=|>|<)\s*(\d+)\s*$/.exec(String(expression ?? '!=0'));
  if (!match) throw new ValidationError(`${where}: warn_if / error_if must look like '>10' or '!=0', got ${JSON.stringify(expression)}`);
  const limit = Number(match[2]);
  switch (match[1]) {
    case '>':
      return failures > limit;
    case '>=':
      return failures >= limit;
    case '<':
      return failures < limit;
    case '<=':
      return failures <= limit;
    case '=':
    case '==':
      return failures === limit;
    default:
      return failures !== limit;
  }
}

/** Runs a compiled test and decides its status. */
export async function runTestNode(adapter: ModelAdapter, compiled: CompiledNode): Promise<TestOutcome> {
  const { node } = compiled;
  const severity = severityOf(node.config, node.path);
  let rows: Array<Record<string, unknown>>;
  try {
    rows = await adapter.query(`select count(*) as failures from (\n${compiled.sql}\n) dbt_internal_test`);
  } catch (error) {
    // The count wraps the test's SQL in one extra line.
    if (error instanceof SqlStatementError && error.line !== undefined) throw new SqlStatementError(error.message, Math.max(1, error.line - 1), error);
    throw error;
  }
  const failures = Number(rows[0]?.failures ?? 0);
  const noun = failures === 1 ? 'failure' : 'failures';
  if (severity === 'error' && thresholdMet(node.config.error_if, failures, node.path)) return { status: 'fail', failures, message: `${failures} ${noun}` };
  if (thresholdMet(node.config.warn_if, failures, node.path)) return { status: 'warn', failures, message: `${failures} ${noun} (severity warn)` };
  return { status: 'pass', failures, message: failures === 0 ? 'no failures' : `${failures} ${noun} (under the threshold)` };
}
