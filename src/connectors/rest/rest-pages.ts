/**
 * Walks a paginated endpoint page by page: page numbers, offsets, cursors from the body, or
 * RFC 8288 `Link: <...>; rel="next"` headers. Every style stops on an empty page and after
 * `max_pages`; cursors and links also stop when there is no next one.
 */
import type { ConnectorLogger } from '../connector.ts';
import { extractRecords, valueAtPath } from './records-path.ts';
import type { RestConfig } from './rest-config.ts';
import type { RestHttpClient, RestResponse } from './rest-http-client.ts';
import { linkFromHeader } from './link-header.ts';
import { renderBody, renderTemplate } from './rest-template.ts';

/** One page's records and the response they came from. */
export interface RestPage {
  records: Array<Record<string, unknown>>;
  response: RestResponse;
  /** 1-based. */
  number: number;
}

/** The first request's URL: the config's URL and query with run params filled in. */
export function buildUrl(config: RestConfig, params: Readonly<Record<string, unknown>>): URL {
  const url = new URL(renderTemplate(config.url, params, 'url', encodeURIComponent));
  for (const [name, value] of Object.entries(config.query)) {
    url.searchParams.set(name, typeof value === 'string' ? renderTemplate(value, params, `query.${name}`) : String(value));
  }
  return url;
}

/** What `restPages` needs: the client, the config and the call's params, signal and log. */
export interface RestPagesOptions {
  client: RestHttpClient;
  config: RestConfig;
  params: Readonly<Record<string, unknown>>;
  signal: AbortSignal;
  log: ConnectorLogger;
  /** Overrides the pagination's max_pages (`test` and `discover` read one page). */
  maxPages?: number;
}

/** Yields pages until the pagination says there are no more. */
export async function* restPages(options: RestPagesOptions): AsyncGenerator<RestPage> {
  const { client, config, params, signal, log } = options;
  const pagination = config.pagination;
  const maxPages = options.maxPages ?? pagination?.max_pages ?? Number.POSITIVE_INFINITY;
  const body = config.body === undefined ? undefined : renderBody(config.body, params);
  let url: URL | undefined = buildUrl(config, params);
  let page = pagination?.type === 'page' ? pagination.start : 0;
  let offset = 0;
  const seenCursors = new Set<string>();

  for (let number = 1; url && number <= maxPages; number++) {
    const current: URL = new URL(url);
    if (pagination?.type === 'page') {
      current.searchParams.set(pagination.param, String(page));
      if (pagination.size_param && pagination.size !== undefined) current.searchParams.set(pagination.size_param, String(pagination.size));
    } else if (pagination?.type === 'offset') {
      current.searchParams.set(pagination.param, String(offset));
      current.searchParams.set(pagination.limit_param, String(pagination.limit));
    }
    const response = await client.send({ method: config.method, url: current, body }, signal);
    const records = extractRecords(response.body, config.records_path);
    yield { records, response, number };
    if (!pagination || records.length === 0) return;

    switch (pagination.type) {
      case 'page':
        page += 1;
        break;
      case 'offset':
        // By what came back, not the limit: a server that caps the limit must not make us skip rows.
        offset += records.length;
        break;
      case 'cursor': {
        const cursor = valueAtPath(response.body, pagination.cursor_path);
        if (cursor === null || cursor === undefined || cursor === '' || typeof cursor === 'object') return;
        const text = String(cursor);
        if (seenCursors.has(text)) {
          log.warn(`${response.shownUrl}: cursor '${pagination.cursor_path}' repeated; stopping instead of looping`);
          return;
        }
        seenCursors.add(text);
        // Some APIs give the next page's whole URL as the cursor.
        if (/^https?:\/\//i.test(text)) url = new URL(text);
        else {
          url = new URL(url);
          url.searchParams.set(pagination.param, text);
        }
        break;
      }
      case 'link_header': {
        const next = linkFromHeader(response.headers.get('link'), current.toString());
        url = next ? new URL(next) : undefined;
        break;
      }
    }
  }
}
