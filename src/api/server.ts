/**
 * The REST API server: fastify with zod schemas on every route, so requests are validated,
 * responses are shaped, and the OpenAPI 3.1 document (GET /openapi.json) comes from the same
 * contracts that the client and the UI import (./schemas.ts).
 */
import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifySchemaCompiler } from 'fastify';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { zodIssues } from '../core/zod-issues.ts';
import type { Platform } from '../platform.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { installErrorHandler } from './error-handler.ts';
import { backfillRoutes } from './routes/backfills.ts';
import { connectorRoutes } from './routes/connectors.ts';
import { datasetCheckRoutes } from './routes/dataset-checks.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { docsRoutes } from './routes/docs.ts';
import { eventRoutes } from './routes/events.ts';
import { executionRoutes } from './routes/executions.ts';
import { healthRoutes } from './routes/health.ts';
import { lineageRoutes } from './routes/lineage.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { pipelineVersionRoutes } from './routes/pipeline-versions.ts';
import { pipelineRoutes } from './routes/pipelines.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { triggerRoutes } from './routes/triggers.ts';
import { uiRoutes } from './routes/ui.ts';
import { workerRoutes } from './routes/workers.ts';
import { API_PREFIX, apiSchemas } from './schemas.ts';

export interface BuildServerOptions {
  platform: Platform;
  /** Log each request through the platform's logger (off by default: tests and embedding). */
  logger?: boolean;
  /** The scheduler behind the schedule and backfill routes (start-server.ts passes the running one). */
  scheduler?: Scheduler;
}

/** Room for a YAML spec at its 1 MiB cap once wrapped in JSON and escaped. */
const BODY_LIMIT = 4 * 1024 * 1024;

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * Validates a request part with its zod schema; issues keep their paths (`spec`, `limit`) and
 * the error handler prefixes where they were (`body.spec`, `query.limit`).
 */
const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => (data) => {
  // Fastify hands a missing body over as null; an optional body schema means "may be absent".
  const input = httpPart === 'body' && data === null ? undefined : data;
  // reportInput lets messages say what was given ("expected a number, got the string 'x'").
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { value: result.data };
  return { error: new ValidationError('invalid request', zodIssues(result.error)) };
};

const transformObject = createJsonSchemaTransformObject({ schemaRegistry: apiSchemas });

/**
 * Drops the `...Input` twins that zod-to-JSON-Schema emits for every named schema; requests
 * here never reference them, and they would double the schema list of the reference.
 */
function withoutUnusedSchemas(document: ReturnType<typeof transformObject>): ReturnType<typeof transformObject> {
  const components = (document as { components?: { schemas?: Record<string, unknown> } }).components;
  const schemas = components?.schemas;
  if (!schemas) return document;
  const text = JSON.stringify({ ...document, components: { ...components, schemas: {} } });
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return document;
}

/**
 * Builds the API server around a platform; the caller listens (see start-server.ts) or
 * injects requests (tests).
 * @example
 * const app = await buildServer({ platform });
 * const res = await app.inject({ method: 'GET', url: '/health' });
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const { platform } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: platform.logger.child({ component: 'api' }) } : { logger: false }),
    bodyLimit: BODY_LIMIT,
    // Clients build URLs by joining strings; a stray trailing slash should not be a 404.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app as unknown as FastifyInstance, platform.logger);

  // `curl --data-binary @pipeline.yaml -H 'content-type: application/yaml'` registers a YAML file as is.
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, { yaml: body }));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'DataDog Platform API',
        description: 'Register pipelines, trigger and watch runs, read task logs, browse datasets, test connectors.',
        version: packageVersion(),
      },
      tags: [
        { name: 'health', description: 'Liveness and server facts' },
        { name: 'pipelines', description: 'Pipeline specs and their versions' },
        { name: 'executions', description: 'Runs of pipelines: status, logs, cancel, re-run' },
        { name: 'datasets', description: 'Datasets, their versions, schemas and rows' },
        { name: 'connectors', description: 'Connector types and task kinds; connector checks' },
        { name: 'metrics', description: 'Run and task statistics' },
        { name: 'schedules', description: 'Cron schedules: next fire times, enable and disable' },
        { name: 'backfills', description: 'Runs of every partition of a range: start, follow, cancel, resume' },
        { name: 'events', description: 'Live events as Server-Sent Events' },
      ],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiSchemas }),
    transformObject: (document) => withoutUnusedSchemas(transformObject(document)),
  });

  await app.register(healthRoutes, { platform, version: packageVersion() });
  await app.register(metricsRoutes, { platform, apiPrefix: API_PREFIX });
  await app.register(pipelineRoutes, { platform, prefix: API_PREFIX });
  await app.register(pipelineVersionRoutes, { platform, prefix: API_PREFIX });
  await app.register(executionRoutes, { platform, prefix: API_PREFIX });
  await app.register(datasetRoutes, { platform, prefix: API_PREFIX });
  await app.register(lineageRoutes, { platform, prefix: API_PREFIX });
  await app.register(datasetCheckRoutes, { platform, prefix: API_PREFIX });
  await app.register(connectorRoutes, { platform, prefix: API_PREFIX });
  await app.register(eventRoutes, { platform, prefix: API_PREFIX });
  await app.register(workerRoutes, { platform, prefix: API_PREFIX });
  // Without a scheduler given (tests, embedding) the routes get one of their own that does not
  // loop; it still drives the backfills started through it, and stops with the server.
  const scheduler = options.scheduler ?? new Scheduler({ platform });
  if (!options.scheduler) app.addHook('onClose', () => scheduler.stop());
  await app.register(scheduleRoutes, { scheduler, prefix: API_PREFIX });
  await app.register(backfillRoutes, { scheduler, prefix: API_PREFIX });
  await app.register(triggerRoutes, { platform, prefix: API_PREFIX });
  await app.register(docsRoutes);
  await app.register(uiRoutes, { apiPrefix: API_PREFIX });
  await app.ready();
  return app as unknown as FastifyInstance;
}

let version: string | undefined;

/** The package version, read once (src/api and dist/api are both two levels below the package root). */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
