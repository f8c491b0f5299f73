/**
 * `datadog worker`: a process that runs tasks dispatched by the distributed executor. The
 * options are declared already so scripts can be written against them; the command itself
 * arrives with the distributed executor.
 */
import { Command } from 'commander';

/** Builds the `worker` command. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run tasks from the distributed queue (needs the distributed executor; not available yet)')
    .option('--pools <names>', 'comma-separated task pools to take work from')
    .option('--concurrency <n>', 'tasks to run at once')
    .action(() => {
      process.stderr.write('datadog worker needs the distributed executor, which is not available yet\n');
      process.exitCode = 2;
    });
}
