/**
 * Prometheus metrics, fed by the event bus. One registry per platform, so tests and several
 * platforms in one process never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../core/event-bus.ts';
import { isTerminalRunStatus, isTerminalTaskStatus } from '../core/statuses.ts';

export interface PlatformMetrics {
  registry: Registry;
  /** Stops listening to the bus. */
  stop(): void;
}

export function createMetrics(bus: EventBus, options: { defaultMetrics?: boolean } = {}): PlatformMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'datadog_' });
  const runs = new Counter({ name: 'datadog_runs_total', help: 'Finished runs by pipeline and status', labelNames: ['pipeline', 'status'], registers: [registry] });
  const activeRuns = new Gauge({ name: 'datadog_runs_active', help: 'Runs in progress', registers: [registry] });
  const tasks = new Counter({ name: 'datadog_task_runs_total', help: 'Finished task runs by pipeline and status', labelNames: ['pipeline', 'status'], registers: [registry] });
  const retries = new Counter({ name: 'datadog_task_retries_total', help: 'Attempts that failed and were retried', labelNames: ['pipeline'], registers: [registry] });
  const durations = new Histogram({
    name: 'datadog_task_duration_seconds',
    help: 'Duration of task attempts',
    labelNames: ['pipeline', 'status'],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  const offRun = bus.on('run.status', (event) => {
    if (event.status === 'running' && event.previous !== 'running') activeRuns.inc();
    if (isTerminalRunStatus(event.status)) {
      runs.inc({ pipeline: event.pipelineId, status: event.status });
      if (event.previous === 'running') activeRuns.dec();
    }
  });
  const offTask = bus.on('task.status', (event) => {
    if (event.status === 'up_for_retry') retries.inc({ pipeline: event.pipelineId });
    if (isTerminalTaskStatus(event.status)) tasks.inc({ pipeline: event.pipelineId, status: event.status });
    if (event.durationMs !== undefined) durations.observe({ pipeline: event.pipelineId, status: event.status }, event.durationMs / 1000);
  });
  return {
    registry,
    stop: () => {
      offRun();
      offTask();
    },
  };
}
