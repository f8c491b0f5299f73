/**
 * Sends each SQL step to its compiler. Steps whose columns are those of their input say so
 * here, so the columns stay known without asking DuckDB.
 */
import {
  compileAggregate,
  compileDedupe,
  compileDerive,
  compileFilter,
  compileLimit,
  compileSelect,
  compileSort,
  compileSqlStep,
  compileUnion,
} from './basic-steps.ts';
import { compileFlatten } from './flatten-step.ts';
import { compileJoin } from './join-step.ts';
import type { StepContext, StepSql } from './transform-plan.ts';
import type { TransformStep } from './transform-step.ts';

/** Step kinds whose output has exactly the columns of their input. */
const SAME_COLUMNS = new Set<TransformStep['kind']>(['filter', 'sort', 'limit', 'dedupe']);

/** Compiles one SQL step (not `function`, which splits the plan instead). */
export async function compileStep(step: Exclude<TransformStep, { kind: 'function' }>, ctx: StepContext): Promise<StepSql> {
  let out: StepSql;
  switch (step.kind) {
    case 'filter':
      out = compileFilter(step, ctx);
      break;
    case 'select':
      out = await compileSelect(step, ctx);
      break;
    case 'derive':
      out = await compileDerive(step, ctx);
      break;
    case 'join':
      out = await compileJoin(step, ctx);
      break;
    case 'aggregate':
      out = await compileAggregate(step, ctx);
      break;
    case 'flatten':
      out = await compileFlatten(step, ctx);
      break;
    case 'dedupe':
      out = await compileDedupe(step, ctx);
      break;
    case 'sort':
      out = await compileSort(step, ctx);
      break;
    case 'limit':
      out = compileLimit(step, ctx);
      break;
    case 'union':
      out = compileUnion(step, ctx);
      break;
    case 'sql':
      out = compileSqlStep(step, ctx);
      break;
    default:
      return assertNever(step);
  }
  if (!out.columns && SAME_COLUMNS.has(step.kind)) {
    const columns = await ctx.input.columns();
    if (columns) out.columns = columns;
  }
  return out;
}

function assertNever(value: never): never {
  throw new Error(`unhandled step ${JSON.stringify(value)}`);
}
