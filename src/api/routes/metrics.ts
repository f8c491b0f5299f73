/**
 * Metrics: GET /metrics in the Prometheus text format for scrapers, and GET /api/v1/metrics,
 * a JSON summary (runs by status, task durations) from the store for the UI and the CLI.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform.ts';
import { MetricsQuery, MetricsSummary } from '../schemas.ts';

export interface MetricsRoutesOptions {
  platform: Platform;
  /** Prefix of the JSON summary route (`/api/v1`); the Prometheus route stays at /metrics. */
  apiPrefix: string;
}

/** Registers GET /metrics and GET {apiPrefix}/metrics. */
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
};
