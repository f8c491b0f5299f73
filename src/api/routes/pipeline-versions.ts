/**
 * The versions of a pipeline: list them, read one (as JSON and as YAML), and diff two. A
 * version is the content hash of a registered spec; registering a changed spec adds one.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../core/errors.ts';
import { specDiff, specYaml } from '../../core/spec/spec-diff.ts';
import type { Platform } from '../../platform.ts';
import type { PipelineRecord, PipelineVersionRecord } from '../../store/store.ts';
import { PipelineIdParams, errorResponses } from '../schemas.ts';
import {
  PipelineDiff,
  PipelineDiffQuery,
  PipelineVersionDetail,
  PipelineVersionParams,
  PipelineVersionsResponse,
  type PipelineVersionInfo,
} from '../schemas/pipelines.ts';

export interface PipelineVersionRoutesOptions {
  platform: Platform;
}

function infoOf(pipeline: PipelineRecord, version: PipelineVersionRecord): PipelineVersionInfo {
  return { pipelineId: version.pipelineId, version: version.version, createdAt: version.createdAt, current: version.version === pipeline.currentVersion };
}

/** Registers the /pipelines/{id}/versions and /pipelines/{id}/diff routes. */
export const pipelineVersionRoutes: FastifyPluginAsyncZod<PipelineVersionRoutesOptions> = async (app, { platform }) => {
  const { store } = platform;

  async function pipelineOf(id: string): Promise<PipelineRecord> {
    const pipeline = await store.getPipeline(id);
    if (!pipeline) throw new NotFoundError('pipeline', id);
    return pipeline;
  }

  app.get(
    '/pipelines/:id/versions',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'List the versions of a pipeline',
        description: 'Newest first; `current` marks the version new runs use.',
        params: PipelineIdParams,
        response: { 200: PipelineVersionsResponse, ...errorResponses(404) },
      },
    },
    async (request) => {
      const pipeline = await pipelineOf(request.params.id);
      const versions = await store.listPipelineVersions(pipeline.id);
      return { versions: versions.map((version) => infoOf(pipeline, version)) };
    },
  );

  app.get(
    '/pipelines/:id/versions/:version',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Get a version of a pipeline',
        description: 'The stored spec of that version, as JSON and rendered as YAML.',
        params: PipelineVersionParams,
        response: { 200: PipelineVersionDetail, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { id, version } = request.params;
      const pipeline = await pipelineOf(id);
      const stored = await store.getPipelineVersion(id, version);
      if (!stored) throw new NotFoundError('pipeline version', `${id}@${version}`);
      return { ...infoOf(pipeline, stored), spec: stored.spec as unknown as Record<string, unknown>, yaml: specYaml(stored.spec) };
    },
  );

  app.get(
    '/pipelines/:id/diff',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'Diff two versions of a pipeline',
        description:
          'A unified diff of the YAML of two versions, with a summary of the tasks added, removed and changed. ' +
          '`to` defaults to the current version and `from` to the version registered before `to`.',
        params: PipelineIdParams,
        querystring: PipelineDiffQuery,
        response: { 200: PipelineDiff, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const pipeline = await pipelineOf(request.params.id);
      const versions = await store.listPipelineVersions(pipeline.id);
      const find = (version: string): PipelineVersionRecord => {
        const found = versions.find((v) => v.version === version);
        if (!found) throw new NotFoundError('pipeline version', `${pipeline.id}@${version}`);
        return found;
      };
      const to = find(request.query.to ?? pipeline.currentVersion);
      // Newest first: the one registered before `to` is the next in the list.
      const from = request.query.from !== undefined ? find(request.query.from) : (versions[versions.indexOf(to) + 1] ?? null);
      const label = (v: PipelineVersionRecord | null): string => (v ? `${pipeline.id}@${v.version}` : '/dev/null');
      const { unified, summary } = specDiff(from?.spec ?? null, to.spec, { fromLabel: label(from), toLabel: label(to) });
      return { pipelineId: pipeline.id, from: from?.version ?? null, to: to.version, unified, summary };
    },
  );
};
