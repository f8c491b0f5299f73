/**
 * Metrics: GET /metrics in the Prometheus text format for scrapers, GET /api/v1/metrics, a
 * JSON summary (runs by status, task durations) from the store for the UI and the CLI, and
 * GET /api/v1/metrics/summary, the runs overview of a time window for the UI's front page.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform.ts';
import { metricsSummary } from '../metrics-summary.ts';
import { MetricsQuery, MetricsSummary, errorResponses } from '../schemas.ts';
import { RunsOverview, RunsOverviewQuery } from '../schemas/runs-overview.ts';

export interface MetricsRoutesOptions {
  platform: Platform;
  /** Prefix of the JSON summary route (`/api/v1`); the Prometheus route stays at /metrics. */
  apiPrefix: string;
}

/** Registers GET /metrics, GET {apiPrefix}/metrics and GET {apiPrefix}/metrics/summary. */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRoutesOptions> = async (app, { platform, apiPrefix }) => {
  const registry = platform.metrics.registry;

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics',
        description: 'Counters and histograms of runs, task runs, retries and task durations, in the Prometheus text format.',
        response: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      // A string with a non-JSON content type is sent as is, past the JSON serializer.
      return reply.type(registry.contentType).send(text);
    },
  );

  app.get(
    `${apiPrefix}/metrics`,
    {
      schema: {
        tags: ['metrics'],
        summary: 'Run and task statistics',
        description: 'Run counts by status and task durations, optionally for one pipeline.',
        querystring: MetricsQuery,
        response: { 200: MetricsSummary },
      },
    },
    async (request) => {
      const pipeline = request.query.pipeline;
      const [runs, tasks] = await Promise.all([platform.store.countRunsByStatus(pipeline), platform.store.taskDurationStats(pipeline)]);
      return { runs, tasks };
    },
  );

  app.get(
    `${apiPrefix}/metrics/summary`,
    {
      schema: {
        tags: ['metrics'],
        summary: 'Runs overview of a time window',
        description:
          'Runs created since `since` (default: the last 24 hours, at most 366 days): counts by status and over time (hourly up to 48 hours, else daily), ' +
          'success rate, duration percentiles, the runs in progress and the latest failures. Counts the newest 1000 runs of the window (`truncated` says when there were more).',
        querystring: RunsOverviewQuery,
        response: { 200: RunsOverview, ...errorResponses(400) },
      },
    },
    async (request) => metricsSummary(platform.store, { since: request.query.since, pipelineId: request.query.pipeline }),
  );
};
