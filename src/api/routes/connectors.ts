/**
 * Connectors: the connector types and task kinds this server knows, with the JSON Schema of
 * their configs (for docs, generated forms and the CLI), one type by name, and a check of a
 * connector config against its system.
 */
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import { testConnector } from '../../connectors/test-connector.ts';
import type { Platform } from '../../platform.ts';
import { ConnectorInfo, ConnectorTestResult, ConnectorTypeParams, ConnectorsResponse, TestConnectorBody, errorResponses } from '../schemas.ts';

export interface ConnectorRoutesOptions {
  platform: Platform;
}

/** Registers the /connectors routes. */
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

  app.get(
    '/connectors/:type',
    {
      schema: {
        tags: ['connectors'],
        summary: 'Get a connector type',
        description: 'Its capabilities, secret fields and the JSON Schema of its config.',
        params: ConnectorTypeParams,
        response: { 200: ConnectorInfo, ...errorResponses(404) },
      },
    },
    async (request) => {
      const info = platform.connectors.list().find((c) => c.type === request.params.type);
      if (!info) throw new NotFoundError('connector type', request.params.type);
      return info;
    },
  );

  app.post(
    '/connectors/test',
    {
      schema: {
        tags: ['connectors'],
        summary: 'Test a connector config',
        description:
          'Checks that the connector reaches its system with this config and, with `discover`, lists what it can read. ' +
          'An invalid config answers 400 with each issue located (`connector.path`); a check that ran and failed ' +
          '(unreachable, refused, timed out) answers 200 with `ok: false` and the error. Secret values are never returned.',
        body: TestConnectorBody,
        response: { 200: ConnectorTestResult, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { connector, discover, baseDir } = request.body;
      // A client that goes away stops the check rather than leaving a connection attempt behind.
      const controller = new AbortController();
      const onClose = (): void => {
        if (!reply.raw.writableFinished) controller.abort(new Error('the client went away'));
      };
      reply.raw.once('close', onClose);
      try {
        return await testConnector(platform.connectors, connector, {
          baseDir: baseDir !== undefined ? path.resolve(baseDir) : process.cwd(),
          discover: discover ?? false,
          signal: controller.signal,
        });
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );
};
