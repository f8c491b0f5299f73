/**
 * Runs a shell command. Params and the attempt number arrive as environment variables
 * (PARAM_<NAME>, DATADOG_ATTEMPT, ...); stdout and stderr lines become task logs; the exit code
 * decides the outcome. Cancellation and timeouts kill the whole process group.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { z } from 'zod';
import { TaskError } from '../../core/errors.ts';
import { defineTaskKind } from '../task-kind.ts';
import type { TaskContext } from '../task-context.ts';

const shellConfigSchema = z
  .object({
    command: z.string().min(1, 'expected a command'),
    shell: z.string().default('/bin/sh'),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    cwd: z.string().optional(),
    /** Grace period between SIGTERM and SIGKILL when the task is stopped. */
    kill_grace_ms: z.number().int().nonnegative().default(2000),
  })
  .strict();
type ShellConfig = z.output<typeof shellConfigSchema>;

/** Turns a param name into an env var name: `start-date` gives PARAM_START_DATE. */
export function paramEnvName(name: string): string {
  return `PARAM_${name.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

function taskEnv(ctx: TaskContext<ShellConfig>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATADOG_RUN_ID: ctx.runId,
    DATADOG_PIPELINE_ID: ctx.pipelineId,
    DATADOG_TASK_ID: ctx.taskId,
    DATADOG_ATTEMPT: String(ctx.attempt),
    DATADOG_HOME: ctx.home,
    DATADOG_PARAMS: JSON.stringify(ctx.params),
  };
  for (const [name, value] of Object.entries(ctx.params)) {
    env[paramEnvName(name)] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  for (const [name, value] of Object.entries(ctx.config.env)) env[name] = String(value);
  return env;
}

export const shellTask = defineTaskKind({
  name: 'shell',
  description: 'Runs a shell command; params are PARAM_<NAME> env vars, output lines are task logs, exit code decides.',
  configSchema: shellConfigSchema,
  run: (ctx) =>
    new Promise<{ exitCode: number }>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(ctx.signal.reason);
      const cwd = ctx.config.cwd ? path.resolve(ctx.baseDir, ctx.config.cwd) : ctx.baseDir;
      // detached: the command gets its own process group, so a stop kills its children too.
      const child = spawn(ctx.config.shell, ['-c', ctx.config.command], { cwd, env: taskEnv(ctx), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const lastErrLines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => ctx.log.output('stdout', line));
      createInterface({ input: child.stderr }).on('line', (line) => {
        lastErrLines.push(line);
        if (lastErrLines.length > 5) lastErrLines.shift();
        ctx.log.output('stderr', line);
      });

      let killTimer: ReturnType<typeof setTimeout> | undefined;
      const kill = (signal: NodeJS.Signals): void => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      };
      const onAbort = (): void => {
        kill('SIGTERM');
        killTimer = setTimeout(() => kill('SIGKILL'), ctx.config.kill_grace_ms);
        killTimer.unref();
        reject(ctx.signal.reason);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });

      child.on('error', (error) => {
        ctx.signal.removeEventListener('abort', onAbort);
        reject(new TaskError(`could not start ${ctx.config.shell}: ${error.message}`, { cause: error }));
      });
      child.on('close', (code, signal) => {
        ctx.signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        if (ctx.signal.aborted) return;
        if (code === 0) return resolve({ exitCode: 0 });
        const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const tail = lastErrLines.length > 0 ? `: ${lastErrLines.join(' | ')}` : '';
        reject(new TaskError(`command ${why}${tail}`));
      });
    }),
});
