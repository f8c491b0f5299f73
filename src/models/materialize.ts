/**
 * Materialises a compiled model: view, table, or incremental (the first run and `--full-refresh`
 * build the table; later runs add the rows the `is_incremental()` branch selects, deleting rows
 * with the same `unique_key` first). Pre- and post-hooks run around it.
 */
import type { ModelAdapter } from './adapters/model-adapter.ts';
import type { CompiledNode, Compiler } from './compile.ts';
import { configList, uniqueKeyOf } from './node-config.ts';

/** What materialising a model did. */
export interface MaterializeOutcome {
  message: string;
  rowsAffected?: number;
}

/** What materialising one model needs. */
export interface MaterializeInput {
  adapter: ModelAdapter;
  compiler: Compiler;
  compiled: CompiledNode;
  /** Creates a schema once per build. */
  ensureSchema(schema: string): Promise<void>;
}

/** `1 row`, `3 rows`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Builds a compiled model as its `materialized` config says, with its hooks. */
export async function materializeModel(input: MaterializeInput): Promise<MaterializeOutcome> {
  const { adapter, compiler, compiled } = input;
  const { node } = compiled;
  const relation = node.relation;
  if (!relation) throw new Error(`${node.path}: model has no relation`);
  await input.ensureSchema(relation.schema);
  const name = [relation.schema, relation.identifier].join('.');
  for (const hook of configList(node.config.pre_hook)) await adapter.execute(compiler.renderHook(node, hook, compiled.isIncremental));
  let outcome: MaterializeOutcome;
  switch (node.config.materialized) {
    case 'table': {
      const rows = await adapter.createTable(relation, compiled.sql);
      outcome = { message: `created table ${name} (${plural(rows, 'row')})`, rowsAffected: rows };
      break;
    }
    case 'incremental': {
      if (compiled.isIncremental) {
        const strategy = String(node.config.incremental_strategy ?? '').toLowerCase();
        const uniqueKey = strategy === 'append' ? [] : uniqueKeyOf(node.config);
        const { inserted, deleted } = await adapter.mergeIncremental(relation, compiled.sql, { uniqueKey });
        outcome = { message: `inserted ${plural(inserted, 'row')} into ${name}${uniqueKey.length > 0 ? ` (replaced ${deleted} by ${uniqueKey.join(', ')})` : ''}`, rowsAffected: inserted };
      } else {
        const rows = await adapter.createTable(relation, compiled.sql);
        outcome = { message: `created incremental table ${name} (${plural(rows, 'row')})`, rowsAffected: rows };
      }
      break;
    }
    default:
      await adapter.createView(relation, compiled.sql);
      outcome = { message: `created view ${name}` };
  }
  for (const hook of configList(node.config.post_hook)) await adapter.execute(compiler.renderHook(node, hook, compiled.isIncremental));
  return outcome;
}
