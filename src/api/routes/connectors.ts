/**
 * GET /api/v1/connectors: the connector types and task kinds this server knows, with the JSON
 * Schema of their configs (for docs, generated forms and the CLI).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform.ts';
import { ConnectorsResponse } from '../schemas.ts';

export interface ConnectorRoutesOptions {
  platform: Platform;
}

/** Registers GET /connectors. */
export const connectorRoutes: FastifyPluginAsyncZod<ConnectorRoutesOptions> = async (app, { platform }) => {
  app.get(
    '/connectors',
    {
      schema: {
        tags: ['connectors'],
        summary: 'List connector types and task kinds',
        description: 'Config schemas name secret fields but never hold secret values.',
        response: { 200: ConnectorsResponse },
      },
    },
    async () => ({ connectors: platform.connectors.list(), taskKinds: platform.taskKinds.list() }),
  );
};
