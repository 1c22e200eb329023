/**
 * RFC 9457 problem details: the one error shape Pave uses everywhere.
 * A `PaveError` carries its problem, so every layer (service, HTTP, CLI, MCP) reports
 * the same title, status and field errors without translating.
 */

/** One precise mistake, located by a JSON pointer into the offending document. */
export interface FieldError {
  /** JSON pointer to the field, e.g. `/metadata/name`. Empty string for the whole document. */
  pointer: string;
  /** What is wrong, in words that name the rule, e.g. "must match ^[a-z0-9]+$". */
  detail: string;
  /** A short machine-readable rule name, e.g. `format`, `required`, `type`. */
  rule?: string;
  /** Where the document came from, when known (file path or URL). */
  source?: string;
  /** Zero-based index of the document in a multi-document YAML file. */
  document?: number;
  /** One-based line of the field in its source file, when known. */
  line?: number;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://pave.dev/problems/';

export class PaveError extends Error {
  readonly problem: Problem;
  /** Seconds after which asking again may succeed: sent as the `Retry-After` header (a 503 or 429). */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Problem, options: { retryAfterSeconds?: number } = {}) {
    super(problem.detail ?? problem.title);
    this.name = 'PaveError';
    this.problem = problem;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return this.problem.status;
  }
}

function make(status: number, slug: string, title: string) {
  return (detail: string, errors?: FieldError[], extra?: Record<string, unknown>): PaveError =>
    new PaveError({ type: TYPE_BASE + slug, title, status, detail, ...(errors?.length ? { errors } : {}), ...extra });
}

export const badRequest = make(400, 'bad-request', 'Bad request');
export const invalidInput = make(422, 'invalid-input', 'Invalid input');
export const unauthorized = make(401, 'unauthorized', 'Unauthorized');
export const forbidden = make(403, 'forbidden', 'Forbidden');
export const notFound = make(404, 'not-found', 'Not found');
export const conflict = make(409, 'conflict', 'Conflict');
export const unavailable = make(503, 'unavailable', 'Service unavailable');

/** Too much of some work is waiting already: refused at once, to be asked again after `retryAfterSeconds`. */
export const busy = (detail: string, retryAfterSeconds: number): PaveError =>
  new PaveError({ type: TYPE_BASE + 'busy', title: 'Busy', status: 503, detail }, { retryAfterSeconds });

export function isPaveError(error: unknown): error is PaveError {
  return error instanceof PaveError;
}

/** Formats field errors as one line each, for the CLI and logs. */
export function formatFieldError(error: FieldError): string {
  const where = [
    error.source,
    error.document !== undefined ? `document ${error.document}` : undefined,
    error.line !== undefined ? `line ${error.line}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const field = error.pointer || '(document)';
  return `${where ? where + ': ' : ''}${field}: ${error.detail}`;
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  const text = String(segment);
  // Most segments need no escape: two regex replacements each were a good part of validating an entity.
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

export function joinPointer(...segments: Array<string | number>): string {
  return segments.map(s => '/' + pointerSegment(s)).join('');
}
