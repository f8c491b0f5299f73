/**
 * GET /health: liveness for load balancers and `datadog` clients, with the facts a client
 * checks first (which version, which store, which executor).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform.ts';
import { Health } from '../schemas.ts';

export interface HealthRoutesOptions {
  platform: Platform;
  version: string;
}

/** Registers GET /health. */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, { platform, version }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Server health',
        description: 'Answers while the server is up; names the version, the metadata store and the executor.',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const, version, store: platform.store.dialect, executor: platform.executor.name }),
  );
};
