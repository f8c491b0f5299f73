/**
 * Pipelines: list, register (JSON or YAML), validate without registering, read one, and
 * execute. Spec problems come back as 400s whose issues name the spec path (`tasks[0].kind`).
 */
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ValidationError } from '../../core/errors.ts';
import { parseYamlMapping } from '../../core/spec/yaml-source.ts';
import type { Platform } from '../../platform.ts';
import {
  ExecutePipelineBody,
  ListPipelinesQuery,
  ListPipelinesResponse,
  PipelineDetail,
  PipelineIdParams,
  PipelineSource,
  RegisterPipelineResponse,
  RunResponse,
  ValidatePipelineResponse,
  errorResponses,
} from '../schemas.ts';

export interface PipelineRoutesOptions {
  platform: Platform;
}

/** How request bodies are named in spec errors (`request body: invalid pipeline spec`). */
const SOURCE = 'request body';

/** The raw spec of a request: the JSON object as is, or the YAML text parsed (alias bombs refused). */
function rawSpecOf(body: PipelineSource): unknown {
  return body.yaml !== undefined ? parseYamlMapping(body.yaml, SOURCE) : body.spec;
}

/** Registers the /pipelines routes. */
export const pipelineRoutes: FastifyPluginAsyncZod<PipelineRoutesOptions> = async (app, { platform }) => {
  app.get(
    '/pipelines',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'List pipelines',
        querystring: ListPipelinesQuery,
        response: { 200: ListPipelinesResponse, ...errorResponses(400) },
      },
    },
    async (request) => ({ pipelines: await platform.store.listPipelines({ includeArchived: request.query.archived === 'true' }) }),
  );

  app.post(
    '/pipelines',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Register a pipeline',
        description:
          'Validates and stores a spec given as JSON (`spec`) or YAML (`yaml`, or the raw body with content type application/yaml). ' +
          'A changed spec becomes a new version (201); the same spec again answers 200.',
        body: PipelineSource,
        response: { 200: RegisterPipelineResponse, 201: RegisterPipelineResponse, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const raw = rawSpecOf(request.body);
      const sourcePath = request.body.sourcePath ? path.resolve(request.body.sourcePath) : null;
      const { pipeline, version, newVersion } = await platform.registerSpec(raw, { sourcePath, source: SOURCE });
      return reply.code(newVersion ? 201 : 200).send({ pipeline, version, newVersion });
    },
  );

  app.post(
    '/pipelines/validate',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Validate a pipeline spec',
        description: 'Checks a spec as registering would, without storing it. Problems answer 400 with every issue located by its path.',
        body: PipelineSource,
        response: { 200: ValidatePipelineResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { spec, version } = platform.validate(rawSpecOf(request.body), SOURCE);
      return { valid: true as const, pipelineId: spec.id, version };
    },
  );

  app.get(
    '/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Get a pipeline',
        description: 'The pipeline with the stored spec of its current version.',
        params: PipelineIdParams,
        response: { 200: PipelineDetail, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { pipeline, version } = await platform.getPipeline(request.params.id);
      return { pipeline, version: version.version, spec: version.spec };
    },
  );

  app.post(
    '/pipelines/:id/execute',
    {
      // Malformed params answer PARAM_INVALID, like params that break the pipeline's declarations.
      attachValidation: true,
      schema: {
        tags: ['pipelines'],
        summary: 'Execute a pipeline',
        description: "Starts a run of the pipeline's current version. Params are checked against the declared ones first (400 PARAM_INVALID).",
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
      const run = await platform.triggerRun(request.params.id, { params: request.body?.params ?? {}, trigger: 'api' });
      return reply.code(202).send({ run });
    },
  );
};
