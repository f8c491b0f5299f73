/**
 * Schedules: every pipeline's cron schedules with their state and next fire times, and
 * turning them on or off (an override of the spec's `enabled`, kept in the store).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Scheduler } from '../../scheduler/scheduler.ts';
import { ListSchedulesQuery, ScheduleIndexParams, SchedulePipelineParams, SchedulesResponse, errorResponses } from '../schemas.ts';

export interface ScheduleRoutesOptions {
  scheduler: Scheduler;
}

/** Registers the /schedules routes. */
export const scheduleRoutes: FastifyPluginAsyncZod<ScheduleRoutesOptions> = async (app, { scheduler }) => {
  const { catalog } = scheduler;

  app.get(
    '/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'List schedules',
        description: 'Each schedule of each pipeline (or of one) with whether it is enabled, the slot it fired last and its next fire times.',
        querystring: ListSchedulesQuery,
        response: { 200: SchedulesResponse, ...errorResponses(400, 404) },
      },
    },
    async (request) => ({ schedules: await catalog.list({ count: request.query.count, ...(request.query.pipeline ? { pipelineId: request.query.pipeline } : {}) }) }),
  );

  for (const action of ['enable', 'disable'] as const) {
    const enabled = action === 'enable';
    const what = enabled ? 'Enable' : 'Disable';
    const note = enabled ? ' Slots missed while it was disabled are not fired.' : '';

    app.post(
      `/schedules/:pipelineId/${action}`,
      {
        schema: {
          tags: ['schedules'],
          summary: `${what} every schedule of a pipeline`,
          description: `Overrides the spec's \`enabled\` of each schedule of the pipeline.${note}`,
          params: SchedulePipelineParams,
          response: { 200: SchedulesResponse, ...errorResponses(400, 404) },
        },
      },
      async (request) => ({ schedules: await catalog.setEnabled(request.params.pipelineId, undefined, enabled) }),
    );

    app.post(
      `/schedules/:pipelineId/:index/${action}`,
      {
        schema: {
          tags: ['schedules'],
          summary: `${what} a schedule`,
          description: `Overrides the spec's \`enabled\` of the schedule at this index of the pipeline's \`schedules\`.${note}`,
          params: ScheduleIndexParams,
          response: { 200: SchedulesResponse, ...errorResponses(400, 404) },
        },
      },
      async (request) => ({ schedules: await catalog.setEnabled(request.params.pipelineId, request.params.index, enabled) }),
    );
  }
};
