import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPaveError, pointerSegment, type FieldError, type Problem } from '../core/problem.js';

const TYPE_BASE = 'https://pave.dev/problems/';

/**
 * Every error leaves the server as an RFC 9457 problem: Pave's own errors as they are, request
 * validation failures with one entry per field, and anything unexpected as a 500 without internals.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any type provider and logger
export function registerProblemHandler(
  app: FastifyInstance<any, any, any, any, any>,
  options: { spaFallback?: (request: FastifyRequest, reply: FastifyReply) => unknown } = {},
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemOf(error, request);
    if (isPaveError(error) && error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
    void reply.status(problem.status).type('application/problem+json').send({ ...problem, instance: request.url });
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    // The portal routes in the browser: any other page answers with its shell.
    if (options.spaFallback && request.method === 'GET' && !request.url.startsWith('/api/')) return options.spaFallback(request, reply);
    return reply
      .status(404)
      .type('application/problem+json')
      .send({ type: TYPE_BASE + 'not-found', title: 'Not found', status: 404, detail: `No route ${request.method} ${request.url.split('?')[0]}`, instance: request.url });
  });
}

/**
 * The problem an error answers a request with: Pave's own errors as they are, request validation
 * failures with one entry per field, Fastify's client errors in Pave's words, and anything unexpected
 * logged and answered as a 500 without internals. Also what a stream sends when it fails (`sse-stream.ts`).
 * @example const problem = problemOf(error, request); // { type: '…/not-found', title: 'Not found', status: 404, … }
 */
export function problemOf(error: unknown, request: FastifyRequest): Problem {
  if (isPaveError(error)) return error.problem;
  // Work the route stopped because its client went away (it gave the work `request.signal`): nobody reads the
  // answer and nothing failed; 499 (as nginx counts a client that closed first) keeps it apart in the metrics.
  if (error instanceof Error && error.name === 'AbortError' && error === request.signal.reason) return { type: TYPE_BASE + 'client-closed-request', title: 'Client closed request', status: 499 };
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const errors: FieldError[] = fastifyError.validation.map(v => ({
      pointer: `/${fastifyError.validationContext ?? 'body'}${v.instancePath}${namedProperty(v.keyword, v.params)}`,
      detail: v.message ?? 'is invalid',
      rule: v.keyword,
    }));
    return { type: TYPE_BASE + 'invalid-request', title: 'Invalid request', status: 400, detail: errors.map(e => `${e.pointer} ${e.detail}`).join('; '), errors };
  }
  if (fastifyError.statusCode && fastifyError.statusCode < 500) return frameworkProblem(fastifyError as FastifyError);
  request.log.error({ err: error }, 'request failed');
  return { type: TYPE_BASE + 'internal', title: 'Internal error', status: 500, detail: 'Something went wrong on the server; it has been logged.' };
}

/** The property a missing-field or unknown-field error is about, as a pointer segment (empty for other errors). */
function namedProperty(keyword: string, params: unknown): string {
  const { missingProperty, additionalProperty } = (params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  if (keyword === 'required' && missingProperty !== undefined) return `/${pointerSegment(missingProperty)}`;
  if (keyword === 'additionalProperties' && additionalProperty !== undefined) return `/${pointerSegment(additionalProperty)}`;
  return '';
}

/** Fastify's own client errors (bad JSON, too large, wrong content type) in the same words as Pave's. */
function frameworkProblem(error: FastifyError): Problem {
  const status = error.statusCode ?? 400;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { type: TYPE_BASE + 'invalid-json', title: 'Invalid JSON body', status, detail: error.message, errors: [{ pointer: '/body', detail: error.message, rule: 'json' }] };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { type: TYPE_BASE + 'too-large', title: 'Payload too large', status, detail: error.message, errors: [{ pointer: '/body', detail: error.message, rule: 'size' }] };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { type: TYPE_BASE + 'unsupported-media-type', title: 'Unsupported media type', status, detail: error.message };
    default:
      return { type: TYPE_BASE + 'bad-request', title: 'Bad request', status, detail: error.message };
  }
}
