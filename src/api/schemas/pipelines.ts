/**
 * Contracts of the pipeline routes added over the first ones in ../schemas.ts: the list with
 * each pipeline's last run, versions, diffs between versions, and a pipeline's runs.
 */
import { z } from 'zod';
import { ListRunsQuery, Pipeline, RunStatus, apiSchemas, isoTime, jsonObject } from '../schemas.ts';

export const LastRun = z
  .object({
    id: z.string(),
    status: RunStatus,
    createdAt: isoTime,
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    durationMs: z.number().int().nullable().describe('From start to finish; null until the run has both'),
  })
  .register(apiSchemas, { id: 'LastRun' });
export type LastRun = z.infer<typeof LastRun>;

export const PipelineSummary = Pipeline.extend({
  lastRun: LastRun.nullable().describe('The newest run, null when it never ran'),
  nextScheduledRun: isoTime.nullable().describe('When a schedule starts it next; null without one'),
}).register(apiSchemas, { id: 'PipelineSummary' });
export type PipelineSummary = z.infer<typeof PipelineSummary>;

export const PipelineSummariesResponse = z.object({ pipelines: z.array(PipelineSummary) });
export type PipelineSummariesResponse = z.infer<typeof PipelineSummariesResponse>;

export const PipelineVersionParams = z.object({
  id: z.string().min(1).describe('Pipeline id'),
  version: z.string().min(1).describe('Version id (content hash)'),
});
export type PipelineVersionParams = z.infer<typeof PipelineVersionParams>;

export const PipelineVersionInfo = z
  .object({
    pipelineId: z.string(),
    version: z.string(),
    createdAt: isoTime,
    current: z.boolean().describe("True for the pipeline's current version"),
  })
  .register(apiSchemas, { id: 'PipelineVersionInfo' });
export type PipelineVersionInfo = z.infer<typeof PipelineVersionInfo>;

export const PipelineVersionsResponse = z.object({ versions: z.array(PipelineVersionInfo).describe('Newest first') });
export type PipelineVersionsResponse = z.infer<typeof PipelineVersionsResponse>;

export const PipelineVersionDetail = PipelineVersionInfo.extend({
  spec: jsonObject.describe('The stored spec, defaults filled in'),
  yaml: z.string().describe('The spec rendered as YAML'),
});
export type PipelineVersionDetail = z.infer<typeof PipelineVersionDetail>;

export const PipelineDiffQuery = z.object({
  from: z.string().min(1).optional().describe('Older version id (default: the version before `to`)'),
  to: z.string().min(1).optional().describe('Newer version id (default: the current version)'),
});
export type PipelineDiffQuery = z.infer<typeof PipelineDiffQuery>;

export const PipelineDiff = z
  .object({
    pipelineId: z.string(),
    from: z.string().nullable().describe('Null when `to` is the first version: the diff then adds the whole spec'),
    to: z.string(),
    unified: z.string().describe('Unified diff of the YAML renderings; empty when they are equal'),
    summary: z.object({
      tasksAdded: z.array(z.string()),
      tasksRemoved: z.array(z.string()),
      tasksChanged: z.array(z.string()),
      fieldsChanged: z.array(z.string()).describe('Top-level fields other than tasks that differ'),
    }),
  })
  .register(apiSchemas, { id: 'PipelineDiff' });
export type PipelineDiff = z.infer<typeof PipelineDiff>;

export const PipelineRunsQuery = ListRunsQuery.omit({ pipeline: true });
export type PipelineRunsQuery = z.infer<typeof PipelineRunsQuery>;
