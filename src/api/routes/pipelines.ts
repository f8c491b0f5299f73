/**
 * Pipelines: list (with each one's last run), register (JSON or YAML, or a TypeScript module
 * the server can read), update, archive, validate without registering, read one, list its
 * runs, and execute. Spec problems come back as 400s whose issues name the spec path
 * (`tasks[0].kind`). Versions and diffs are in pipeline-versions.ts.
 */
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { loadSpecFile } from '../../core/spec/load-spec-file.ts';
import { parseYamlMapping } from '../../core/spec/yaml-source.ts';
import type { Platform, RegisteredPipeline } from '../../platform.ts';
import type { PipelineRecord, RunRecord, ScheduleStateRecord, Store } from '../../store/store.ts';
import { listRunPage } from '../run-page.ts';
import {
  ExecutePipelineBody,
  ListPipelinesQuery,
  ListRunsResponse,
  PipelineDetail,
  PipelineIdParams,
  PipelineSource,
  RegisterPipelineResponse,
  RunResponse,
  ValidatePipelineResponse,
  errorResponses,
} from '../schemas.ts';
import { PipelineRunsQuery, PipelineSummariesResponse, type LastRun, type PipelineSummary } from '../schemas/pipelines.ts';

export interface PipelineRoutesOptions {
  platform: Platform;
}

/** How request bodies are named in spec errors (`request body: invalid pipeline spec`). */
const SOURCE = 'request body';

/** Pipeline files whose code (`run` functions) only the module itself holds. */
const MODULE_FILE = /\.(ts|mts|js|mjs)$/;

/** The raw spec of a request: the JSON object as is, or the YAML text parsed (alias bombs refused). */
function rawSpecOf(body: PipelineSource): unknown {
  return body.yaml !== undefined ? parseYamlMapping(body.yaml, SOURCE) : body.spec;
}

function idOf(raw: unknown): unknown {
  return raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
}

/** True when `file` is a TypeScript/JavaScript module this server can read. */
async function isReadableModule(file: string): Promise<boolean> {
  if (!MODULE_FILE.test(file) || file.endsWith('.d.ts')) return false;
  try {
    await access(file, constants.R_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Registers the spec of a request. When `sourcePath` names a module the server can read, the
 * module is registered instead, so its `run` functions (which JSON cannot carry) keep working;
 * the spec in the body then only has to name the same pipeline. `expectedId` is the id in the
 * path of an update.
 */
async function registerFromBody(platform: Platform, body: PipelineSource, expectedId?: string): Promise<RegisteredPipeline> {
  const raw = rawSpecOf(body);
  const where = body.yaml !== undefined ? 'yaml' : 'spec';
  if (expectedId !== undefined && idOf(raw) !== expectedId) {
    throw new ValidationError(`the spec's id must be the pipeline id of the path, '${expectedId}'`, [
      { path: `${where}.id`, message: `expected '${expectedId}', got ${JSON.stringify(idOf(raw) ?? null)}` },
    ]);
  }
  const sourcePath = body.sourcePath ? path.resolve(body.sourcePath) : null;
  if (sourcePath !== null && (await isReadableModule(sourcePath))) {
    const module = await loadSpecFile(sourcePath);
    if (idOf(module.raw) !== idOf(raw)) {
      throw new ValidationError(`${body.sourcePath} defines pipeline ${JSON.stringify(idOf(module.raw) ?? null)}, not the ${JSON.stringify(idOf(raw) ?? null)} of the request`, [
        { path: 'sourcePath', message: 'names a module that defines another pipeline' },
      ]);
    }
    return platform.registerSpec(module.raw, { sourcePath: module.sourcePath, source: body.sourcePath ?? SOURCE });
  }
  return platform.registerSpec(raw, { sourcePath, source: SOURCE });
}

/** The earliest next firing of each pipeline's enabled schedules, as the scheduler recorded it. */
function nextFiringByPipeline(states: ScheduleStateRecord[]): Map<string, string> {
  const next = new Map<string, string>();
  for (const state of states) {
    if (!(state.enabledOverride ?? state.specEnabled) || state.nextFireAt === null) continue;
    const known = next.get(state.pipelineId);
    if (known === undefined || Date.parse(state.nextFireAt) < Date.parse(known)) next.set(state.pipelineId, state.nextFireAt);
  }
  return next;
}

/** The newest run of a pipeline, in the list's short form. */
async function lastRunOf(store: Store, pipeline: PipelineRecord): Promise<LastRun | null> {
  const [run]: Array<RunRecord | undefined> = await store.listRuns({ pipelineId: pipeline.id, limit: 1 });
  if (!run) return null;
  const durationMs = run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return { id: run.id, status: run.status, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt, durationMs };
}

/** Registers the /pipelines routes. */
export const pipelineRoutes: FastifyPluginAsyncZod<PipelineRoutesOptions> = async (app, { platform }) => {
  app.get(
    '/pipelines',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'List pipelines',
        description: 'Every pipeline with its last run (status, times, duration) and the next firing of its enabled schedules (null without one).',
        querystring: ListPipelinesQuery,
        response: { 200: PipelineSummariesResponse, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { store } = platform;
      const [pipelines, schedules] = await Promise.all([store.listPipelines({ includeArchived: request.query.archived === 'true' }), store.listScheduleStates()]);
      const nextFiring = nextFiringByPipeline(schedules);
      const summaries: PipelineSummary[] = await Promise.all(
        pipelines.map(async (pipeline) => ({ ...pipeline, lastRun: await lastRunOf(store, pipeline), nextScheduledRun: nextFiring.get(pipeline.id) ?? null })),
      );
      return { pipelines: summaries };
    },
  );

  app.post(
    '/pipelines',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Register a pipeline',
        description:
          'Validates and stores a spec given as JSON (`spec`) or YAML (`yaml`, or the raw body with content type application/yaml). ' +
          'When `sourcePath` names a TypeScript/JavaScript module the server can read, the module is registered instead, so its `run` functions work. ' +
          'A changed spec becomes a new version (201); the same spec again answers 200.',
        body: PipelineSource,
        response: { 200: RegisterPipelineResponse, 201: RegisterPipelineResponse, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { pipeline, version, newVersion } = await registerFromBody(platform, request.body);
      return reply.code(newVersion ? 201 : 200).send({ pipeline, version, newVersion });
    },
  );

  app.put(
    '/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Update a pipeline',
        description:
          "Registers a new spec for an existing pipeline (as JSON `spec` or YAML `yaml`); the spec's id must be the one in the path. " +
          'A changed spec becomes the current version (`newVersion: true`); archived pipelines are restored.',
        params: PipelineIdParams,
        body: PipelineSource,
        response: { 200: RegisterPipelineResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await platform.store.getPipeline(id))) throw new NotFoundError('pipeline', id);
      const { pipeline, version, newVersion } = await registerFromBody(platform, request.body, id);
      return { pipeline, version, newVersion };
    },
  );

  app.delete(
    '/pipelines/:id',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Archive a pipeline',
        description: 'Hides the pipeline from the list (see `?archived=true`); its versions and runs stay. Registering it again restores it.',
        params: PipelineIdParams,
        response: { 204: z.null().describe('Archived'), ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      await platform.store.archivePipeline(request.params.id);
      return reply.code(204).send(null);
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

  app.get(
    '/pipelines/:id/runs',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'List the runs of a pipeline',
        description: 'As `GET /executions?pipeline={id}`: newest first, with the same filters and cursor.',
        params: PipelineIdParams,
        querystring: PipelineRunsQuery,
        response: { 200: ListRunsResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await platform.store.getPipeline(id))) throw new NotFoundError('pipeline', id);
      return listRunPage(platform.store, { ...request.query, pipelineId: id });
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
