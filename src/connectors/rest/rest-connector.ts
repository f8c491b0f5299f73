/**
 * The `rest` connector: reads JSON APIs page by page and writes records to them. Auth (bearer,
 * basic, API key), records paths, four pagination styles, a token-bucket rate limit, retries
 * with Retry-After and a per-request timeout are all config; run params fill `${params.x}`.
 */
import { PlatformError } from '../../core/errors.ts';
import type { Connector, ConnectorContext } from '../connector.ts';
import { inferColumns } from './infer-columns.ts';
import { REST_SECRET_FIELDS, restConfigSchema, type RestConfig } from './rest-config.ts';
import { RestHttpClient } from './rest-http-client.ts';
import { restPages } from './rest-pages.ts';
import { systemRestTiming, type RestTiming } from './rest-timing.ts';
import { writeRecords } from './rest-writer.ts';

/** Dependencies of the connector; tests inject timing so rate limits and backoff do not wait. */
export interface RestConnectorOptions {
  timing?: RestTiming;
  fetch?: typeof fetch;
}

/**
 * Builds a REST connector; the registry uses `restConnector`.
 *
 * @example
 * const connector = createRestConnector({ timing: { now: () => t, sleep: async (ms) => { t += ms; }, random: () => 0.5 } });
 */
export function createRestConnector(options: RestConnectorOptions = {}): Connector<RestConfig> {
  const timing = options.timing ?? systemRestTiming;
  const clientFor = (ctx: ConnectorContext<RestConfig>) => new RestHttpClient(ctx.config, timing, ctx.log, options.fetch);
  const firstPage = async (ctx: ConnectorContext<RestConfig>) => {
    for await (const page of restPages({ client: clientFor(ctx), config: ctx.config, params: ctx.params, signal: ctx.signal, log: ctx.log, maxPages: 1 })) return page;
    throw new PlatformError('INTERNAL', 'no response');
  };

  return {
    type: 'rest',
    description: 'JSON REST APIs: paginated reads with auth, rate limits and retries; writes records as JSON',
    configSchema: restConfigSchema,
    secretFields: REST_SECRET_FIELDS,

    async test(ctx) {
      const page = await firstPage(ctx);
      return { ok: true, message: `HTTP ${page.response.status} from ${page.response.shownUrl}, ${page.records.length} records on the first page` };
    },

    async discover(ctx) {
      const page = await firstPage(ctx);
      return [{ name: 'records', columns: inferColumns(page.records) }];
    },

    async *read(ctx) {
      const pages = restPages({ client: clientFor(ctx), config: ctx.config, params: ctx.params, signal: ctx.signal, log: ctx.log });
      for await (const page of pages) if (page.records.length > 0) yield page.records;
    },

    async write(ctx) {
      // An API has no generic "replace everything" or "upsert by key"; sending records is an append.
      if (ctx.mode !== 'append') throw new PlatformError('UNSUPPORTED', `the rest connector only appends (sends records); mode '${ctx.mode}' is not supported`);
      const rowsWritten = await writeRecords({ client: clientFor(ctx), config: ctx.config, params: ctx.params, batches: ctx.batches, signal: ctx.signal });
      return { rowsWritten };
    },
  };
}

/** The built-in REST connector. */
export const restConnector: Connector<RestConfig> = createRestConnector();
