/**
 * How the Pave client reaches a server: real HTTP (`http-transport.ts`) or Fastify's `inject` into a
 * server running in the same process (`inject-transport.ts`). Both answer with a body that can be read
 * whole or as it arrives (server-sent events).
 */

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface ClientRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under the server's root, e.g. `/api/catalog/entities`. */
  path: string;
  /** Repeated parameters for arrays; undefined values are left out. */
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Default `application/json`. */
  accept?: string;
  /** Aborts the request, or a stream being read. */
  signal?: AbortSignal;
}

export interface ClientResponse {
  status: number;
  contentType: string;
  /** The body as it arrives; read either this or `text()`, once. */
  chunks: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
}

export interface Transport {
  /** Where requests go, for messages: a server URL, or "the local store". */
  readonly target: string;
  send(request: ClientRequest): Promise<ClientResponse>;
}

/** What the CLI says it is (audit entries record it as the user agent). */
export const USER_AGENT = 'pave-cli';

/** `path?query`, arrays as repeated parameters. */
export function pathWithQuery(path: string, query: ClientRequest['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The headers every request carries. */
export function requestHeaders(request: ClientRequest, bearer: string): Record<string, string> {
  return {
    authorization: `Bearer ${bearer}`,
    accept: request.accept ?? 'application/json',
    'user-agent': USER_AGENT,
    ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
  };
}
