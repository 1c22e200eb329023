/**
 * One JSON request to a git provider's REST API, with a time limit, and its failures told apart as a
 * step's error should tell them: the provider could not be reached (503), refused the credentials (401)
 * or their scope (403), does not know the thing (404), or refused the change (409 for a name taken,
 * 422 otherwise), each naming the provider's own message. Tokens go in headers only; no message repeats them.
 */
import { PaveError, conflict, forbidden, invalidInput, notFound, unauthorized, unavailable } from '../core/problem.js';

export interface ProviderRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Largest answer read from a provider: its JSON answers are small; anything larger is not one of them. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * Sends the request and returns the parsed JSON body (undefined for an empty one).
 * @example await providerRequest<{ html_url: string }>('GitHub', { method: 'POST', url: `${api}/user/repos`, headers, body: { name } })
 */
export async function providerRequest<T>(provider: string, request: ProviderRequest): Promise<T> {
  const signals = [AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS), ...(request.signal ? [request.signal] : [])];
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: { accept: 'application/json', ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      redirect: 'error',
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw unavailable(`${provider} at ${origin(request.url)} could not be reached: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await answerText(provider, request, response);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (response.ok) return body as T;
  throw problemFor(provider, request, response.status, messageOf(body));
}

/** The answer's text, read no further than MAX_ANSWER_BYTES. */
async function answerText(provider: string, request: ProviderRequest, response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A reader, not `for await`: the portal's type check sees this file with the DOM's stream types.
  const reader = response.body?.getReader();
  for (let part = await reader?.read(); reader && part && !part.done; part = await reader.read()) {
    size += part.value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw unavailable(`${provider} at ${origin(request.url)} answered more than ${MAX_ANSWER_BYTES} bytes to ${request.method ?? 'GET'} ${new URL(request.url).pathname}`);
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function problemFor(provider: string, request: ProviderRequest, status: number, message: string): PaveError {
  const what = `${provider} answered ${status} to ${request.method ?? 'GET'} ${new URL(request.url).pathname}${message ? `: ${message}` : ''}`;
  if (status === 401) return unauthorized(`${what} (the token is missing, wrong or expired)`);
  if (status === 403) return forbidden(`${what} (the token lacks the permission or scope this needs)`);
  if (status === 404) return notFound(what);
  if (status === 409 || /already (exists|been taken)|has already been taken|name.*taken/i.test(message)) return conflict(what);
  if (status === 400 || status === 422) return invalidInput(what);
  return unavailable(what);
}

/** The provider's own words: GitHub's `message` (+ `errors[].message`), GitLab's `message`/`error`, Bitbucket's `errors[].message`. */
function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (typeof body !== 'object' || body === null) return '';
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value) parts.push(value);
    else if (Array.isArray(value)) value.forEach(add);
    else if (typeof value === 'object' && value !== null) {
      const inner = value as Record<string, unknown>;
      if (typeof inner.message === 'string') add(inner.message);
      else for (const [key, v] of Object.entries(inner)) add(Array.isArray(v) ? v.map(x => `${key} ${String(x)}`) : v);
    }
  };
  add(record.message);
  add(record.error);
  add(record.errors);
  return [...new Set(parts)].join('; ').slice(0, 500);
}
