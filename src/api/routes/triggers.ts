/**
 * Webhook triggers: POST /pipelines/{id}/trigger starts a run like `execute` does, recorded
 * with trigger `webhook` so runs started by other systems can be told apart.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ValidationError } from '../../core/errors.ts';
import type { Platform } from '../../platform.ts';
import { ExecutePipelineBody, PipelineIdParams, RunResponse, errorResponses } from '../schemas.ts';

export interface TriggerRoutesOptions {
  platform: Platform;
}

/** Registers POST /pipelines/{id}/trigger. */
export const triggerRoutes: FastifyPluginAsyncZod<TriggerRoutesOptions> = async (app, { platform }) => {
  app.post(
    '/pipelines/:id/trigger',
    {
      attachValidation: true,
      schema: {
        tags: ['pipelines'],
        summary: 'Trigger a pipeline from a webhook',
        description: "Starts a run of the pipeline's current version with trigger `webhook`. The body's `params` are checked against the declared ones (400 PARAM_INVALID); other fields of the body are ignored.",
        params: PipelineIdParams,
        body: ExecutePipelineBody,
        response: { 202: RunResponse, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const invalid = request.validationError;
      if (invalid) {
        const issues = invalid instanceof ValidationError ? invalid.issues : [{ path: 'params', message: invalid.message }];
        throw new ValidationError('invalid run params', issues, 'PARAM_INVALID');
      }
      const run = await platform.triggerRun(request.params.id, { params: request.body?.params ?? {}, trigger: 'webhook' });
      return reply.code(202).send({ run });
    },
  );
};
