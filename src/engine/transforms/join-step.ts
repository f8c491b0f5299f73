/**
 * The `join` step: joins the previous relation (`l`) with another input (`r`) on key columns.
 * Keys appear once, under the left names (like SQL's USING): a right or full join fills them
 * from the right side where the left has no row. Right columns other than the keys follow the
 * left ones, optionally picked (`select`) and prefixed (`prefix: c_`). A right column whose name
 * is already on the left is an error rather than a silent `name_1`.
 */
import { ValidationError } from '../../core/errors.ts';
import { quoteIdent } from '../sql-quote.ts';
import { assertColumnsExist, outputColumnSql } from './basic-steps.ts';
import type { StepContext, StepSql } from './transform-plan.ts';
import type { OutputColumn, TransformStep } from './transform-step.ts';

type JoinStep = Extract<TransformStep, { kind: 'join' }>;

const JOIN_SQL = { inner: 'INNER JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL OUTER JOIN' } as const;

export async function compileJoin(step: JoinStep, ctx: StepContext): Promise<StepSql> {
  const right = ctx.dataset(step.with, `${ctx.path}.with`);
  const leftColumns = await ctx.input.columns();
  assertColumnsExist(step.on, leftColumns, `${ctx.path}.on`);
  const rightKnown = await right.columns();
  assertColumnsExist(step.rightOn, rightKnown, `${ctx.path}.${step.rightOn === step.on ? 'on' : 'right_on'}`);

  let picked: OutputColumn[];
  if (step.select) {
    const sources = step.select.flatMap((c) => (c.column !== undefined ? [c.column] : []));
    assertColumnsExist(sources, rightKnown, `${ctx.path}.select`);
    picked = step.select;
  } else {
    const rightColumns = await ctx.require(right, `${ctx.path}.with`);
    const keys = new Set(step.rightOn);
    picked = rightColumns.filter((c) => !keys.has(c.name)).map((c) => ({ name: c.name, column: c.name }));
  }
  const prefix = step.prefix ?? '';
  const outputs = picked.map((c) => ({ ...c, name: `${prefix}${c.name}` }));

  if (leftColumns) {
    const left = new Set(leftColumns.map((c) => c.name));
    const clashes = outputs.filter((c) => left.has(c.name)).map((c) => `'${c.name}'`);
    if (clashes.length > 0) {
      throw new ValidationError('join columns clash', [
        { path: ctx.path, message: `column${clashes.length > 1 ? 's' : ''} ${clashes.join(', ')} on both sides: add a prefix or a select` },
      ]);
    }
  }

  const keyPairs = step.on.map((leftKey, i) => [quoteIdent(leftKey), quoteIdent(step.rightOn[i] as string)] as const);
  const replaced =
    step.type === 'full'
      ? keyPairs.map(([l, r]) => `coalesce(l.${l}, r.${r}) AS ${l}`)
      : step.type === 'right'
        ? keyPairs.map(([l, r]) => `r.${r} AS ${l}`)
        : [];
  const leftStar = replaced.length > 0 ? `l.* REPLACE (${replaced.join(', ')})` : 'l.*';
  const rightItems = outputs.map((c) => `${outputColumnSql(c, ctx, `${ctx.path}.select.${c.name}`, 'r.')} AS ${quoteIdent(c.name)}`);
  const on = keyPairs.map(([l, r]) => `l.${l} = r.${r}`).join(' AND ');
  return {
    body: `SELECT ${[leftStar, ...rightItems].join(', ')} FROM ${ctx.input.name} AS l ${JOIN_SQL[step.type]} ${right.name} AS r ON ${on}`,
  };
}
