/**
 * The API's one error edge: every failure leaves as `{ error: { code, message, details } }`
 * with a status chosen by its code. User mistakes (4xx) are answered, not logged as faults;
 * platform faults (5xx) are logged with the error and answered without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorCodeOf, messageOf, formatIssues, PlatformError, type ErrorCode, type Issue } from '../core/errors.ts';
import type { ErrorBody } from './schemas.ts';

/** HTTP status of each error code; codes not listed are platform faults (500). */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  VALIDATION_ERROR: 400,
  SPEC_INVALID: 400,
  DAG_INVALID: 400,
  YAML_INVALID: 400,
  PARAM_INVALID: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** Error codes for plain HTTP errors raised by fastify itself (bad JSON, body too large, ...). */
const CODE_BY_STATUS: Record<number, ErrorCode> = { 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 409: 'CONFLICT' };

/** Where fastify found a request validation problem, as a user names it in a path. */
const CONTEXT_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** The HTTP status for an error code: 4xx for user mistakes, 500 for the rest. */
export function statusOfCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** The response body for a failure. */
export function errorBody(code: string, message: string, details: unknown = null): ErrorBody {
  return { error: { code, message, details: details ?? null } };
}

/**
 * Installs the error and not-found handlers on a server. `logger` receives the 5xx faults,
 * also when the server's own request logging is off.
 */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = describeFailure(error);
    if (status >= 500) {
      logger.error({ err: error, method: request.method, url: request.url, request_id: request.id }, 'request failed');
    } else {
      request.log.debug({ code: body.error.code, status }, body.error.message);
    }
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return reply
      .code(404)
      .type('application/json; charset=utf-8')
      .send(errorBody('NOT_FOUND', `no route ${request.method} ${path}`, { method: request.method, path }));
  });
}

/** Picks the status and body for any thrown value. */
function describeFailure(error: FastifyError): { status: number; body: ErrorBody } {
  const context = (error as { validationContext?: string }).validationContext;
  if (context !== undefined && (error.validation !== undefined || error instanceof PlatformError)) {
    return { status: 400, body: requestValidationBody(error, CONTEXT_NAMES[context] ?? context) };
  }
  const code = errorCodeOf(error);
  if (code) {
    const status = statusOfCode(code);
    if (status >= 500 && !(error instanceof PlatformError)) return { status, body: internalBody() };
    const details = error instanceof PlatformError ? error.details : (error as { details?: unknown }).details;
    return { status, body: errorBody(code, messageOf(error), details) };
  }
  // Fastify's own 4xx: malformed JSON, empty JSON body, unsupported media type, body too large.
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: errorBody(CODE_BY_STATUS[status] ?? 'VALIDATION_ERROR', error.message, { reason: error.code ?? null }) };
  }
  return { status: 500, body: internalBody() };
}

/** A request that did not match its route's schema: every issue located as `query.limit`, `body.spec`, ... */
function requestValidationBody(error: FastifyError, where: string): ErrorBody {
  const issues = validationIssues(error).map((issue) => ({ path: issue.path ? `${where}.${issue.path}` : where, message: issue.message }));
  const message = `invalid request ${where}${issues.length > 0 ? `\n${formatIssues(issues)}` : ''}`;
  return errorBody('VALIDATION_ERROR', message, { issues });
}

function validationIssues(error: FastifyError): Issue[] {
  const own = error instanceof PlatformError ? (error.details as { issues?: Issue[] } | undefined)?.issues : undefined;
  if (own) return own;
  // Ajv-style entries (from a route with a JSON schema rather than a zod one).
  return (error.validation ?? []).map((entry) => {
    const segments = entry.instancePath.split('/').filter(Boolean);
    const missing = (entry.params as { missingProperty?: unknown } | undefined)?.missingProperty;
    if (typeof missing === 'string') segments.push(missing);
    return { path: segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join(''), message: entry.message ?? 'invalid' };
  });
}

function internalBody(): ErrorBody {
  return errorBody('INTERNAL', 'internal server error; the server log has the details');
}
