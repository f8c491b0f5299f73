/**
 * The `rest` connector's config: where to call, how to authenticate, where the records are in
 * a response, how to page, and how hard to push (rate limit, retries, timeout).
 */
import { z } from 'zod';

/** Methods a read request may use. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const maxPages = z.number().int().positive().optional().describe('Stop after this many pages');

/** How requests authenticate; `token`, `password` and `value` are secrets (use `${env:NAME}`). */
export const restAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string() }),
  z
    .object({
      type: z.literal('api_key'),
      header: z.string().min(1).optional().describe('Header carrying the key (default X-API-Key)'),
      query: z.string().min(1).optional().describe('Query parameter carrying the key instead'),
      value: z.string().min(1),
    })
    .refine((a) => !(a.header && a.query), { message: 'set header or query, not both' }),
]);
export type RestAuth = z.output<typeof restAuthSchema>;

/** How to get the next page: page numbers, offsets, a cursor in the body, or Link headers. */
export const restPaginationSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('page'),
    param: z.string().default('page'),
    size_param: z.string().optional(),
    size: z.number().int().positive().optional(),
    start: z.number().int().default(1),
    max_pages: maxPages,
  }),
  z.object({
    type: z.literal('offset'),
    param: z.string().default('offset'),
    limit_param: z.string().default('limit'),
    limit: z.number().int().positive().default(100),
    max_pages: maxPages,
  }),
  z.object({
    type: z.literal('cursor'),
    cursor_path: z.string().describe('Where the next cursor is in a response, e.g. meta.next'),
    param: z.string().default('cursor'),
    max_pages: maxPages,
  }),
  z.object({ type: z.literal('link_header'), max_pages: maxPages }),
]);
export type RestPagination = z.output<typeof restPaginationSchema>;

/** Retries of one request on 429, 5xx, timeouts and network errors. */
export const restRetrySchema = z.object({
  max: z.number().int().nonnegative().default(3).describe('Retries after the first attempt'),
  base_ms: z.number().nonnegative().default(500),
  cap_ms: z.number().nonnegative().default(30_000).describe('Bounds every wait, Retry-After included'),
});
export type RestRetry = z.output<typeof restRetrySchema>;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** The `rest` connector's config. */
export const restConfigSchema = z.object({
  url: z.string().min(1).describe('May use ${params.name}'),
  method: z.enum(HTTP_METHODS).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  query: z.record(z.string(), scalar).default({}).describe('Query parameters; values may use ${params.name}'),
  body: z.unknown().optional().describe('JSON body; strings may use ${params.name}'),
  auth: restAuthSchema.optional(),
  records_path: z.string().optional().describe('Where the records are, e.g. data.items or $.data.items[*]'),
  pagination: restPaginationSchema.optional(),
  rate_limit: z.object({ requests_per_second: z.number().positive(), burst: z.number().int().positive().default(1) }).optional(),
  retry: restRetrySchema.default({ max: 3, base_ms: 500, cap_ms: 30_000 }),
  timeout_ms: z.number().int().positive().default(30_000),
  write: z
    .object({
      batch_size: z.number().int().positive().default(1).describe('Above 1, records are sent as JSON arrays'),
      method: z.enum(['POST', 'PUT']).default('POST'),
    })
    .default({ batch_size: 1, method: 'POST' }),
});

/** The validated config. */
export type RestConfig = z.output<typeof restConfigSchema>;

/** Config fields that hold secrets. */
export const REST_SECRET_FIELDS = ['token', 'password', 'value'] as const;
