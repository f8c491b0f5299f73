/**
 * Contracts of GET /api/v1/metrics/summary: what the UI's overview page shows about the runs
 * of a time window.
 */
import { z } from 'zod';
import { Run, RunStatus, apiSchemas, isoTime, queryTime } from '../schemas.ts';

export const RunsOverviewQuery = z.object({
  since: queryTime.optional().describe('Start of the window, an ISO time (default: 24 hours ago)'),
  pipeline: z.string().min(1).optional().describe('Only runs of this pipeline'),
});
export type RunsOverviewQuery = z.infer<typeof RunsOverviewQuery>;

export const RunsBucket = z
  .object({
    bucket: isoTime.describe('Start of the hour (windows up to 48 hours) or of the UTC day'),
    succeeded: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    running: z.number().int().describe('Queued or running'),
  })
  .register(apiSchemas, { id: 'RunsBucket' });
export type RunsBucket = z.infer<typeof RunsBucket>;

export const RunsOverview = z
  .object({
    since: isoTime,
    until: isoTime,
    runsByStatus: z.record(RunStatus, z.number().int()).describe('Runs created in the window, by status'),
    runsOverTime: z.array(RunsBucket).describe('Every bucket of the window, oldest first, empty ones included'),
    successRate: z.number().nullable().describe('Succeeded / (succeeded + failed) in the window; null before any finished'),
    durations: z.object({
      p50Ms: z.number().int().nullable(),
      p95Ms: z.number().int().nullable(),
    }).describe('Run durations (start to finish) of the finished runs in the window'),
    inProgress: z.array(Run).describe('Queued and running runs, whenever created, newest first'),
    recentFailures: z.array(Run).describe('The newest failed runs of the window'),
    truncated: z.boolean().describe('True when the window held more runs than were counted (the newest are)'),
  })
  .register(apiSchemas, { id: 'RunsOverview' });
export type RunsOverview = z.infer<typeof RunsOverview>;
