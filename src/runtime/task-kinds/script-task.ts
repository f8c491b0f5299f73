/**
 * Runs TypeScript or JavaScript code: the `run` function of a task in a TypeScript pipeline,
 * or `config.module` + `config.export` from YAML (the module path is relative to the spec file).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { NonRetryableError } from '../../core/errors.ts';
import type { TaskFunction } from '../../core/spec/pipeline-spec.ts';
import { defineTaskKind } from '../task-kind.ts';

const scriptConfigSchema = z
  .object({
    module: z.string().min(1).optional(),
    export: z.string().min(1).default('default'),
  })
  .catchall(z.unknown());

async function loadFunction(baseDir: string, modulePath: string, exportName: string): Promise<TaskFunction> {
  const file = path.resolve(baseDir, modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new NonRetryableError(`cannot load script module ${file}: ${(error as Error).message}`);
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    throw new NonRetryableError(`script module ${file} has no exported function '${exportName}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
  }
  return fn as TaskFunction;
}

export const scriptTask = defineTaskKind({
  name: 'script',
  description: 'Runs a TypeScript function: `run` in a TypeScript pipeline, or config.module + config.export in YAML.',
  configSchema: scriptConfigSchema,
  run: async (ctx) => {
    let fn = ctx.task.run;
    if (!fn) {
      if (!ctx.config.module) {
        throw new NonRetryableError('this script task has no code here: register its TypeScript pipeline from its file, or give config.module');
      }
      fn = await loadFunction(ctx.baseDir, ctx.config.module, ctx.config.export);
    }
    return await fn(ctx as never);
  },
});
