import { PaveError, type Problem } from '../core/problem.js';
import { parseEventStream, type ServerSentEvent } from './event-stream.js';
import type { ClientRequest, ClientResponse, Transport } from './transport.js';

/**
 * Requests and answers over a transport: JSON in and out, server-sent events, and every problem the
 * server answers turned back into the `PaveError` it was on the server.
 */
export class ApiConnection {
  constructor(readonly transport: Transport) {}

  /** The JSON answer (undefined for 204/202 with no body); a problem answer throws its `PaveError`. */
  async json<T>(request: ClientRequest): Promise<T> {
    const response = await this.#send(request);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A plain-text answer. */
  async text(request: ClientRequest): Promise<string> {
    return (await this.#send({ accept: 'text/plain', ...request })).text();
  }

  /** A binary answer (a PDF), whole. */
  async bytes(request: ClientRequest): Promise<Uint8Array> {
    const response = await this.#send({ accept: '*/*', ...request });
    const parts: Uint8Array[] = [];
    for await (const chunk of response.chunks) parts.push(chunk);
    return Buffer.concat(parts);
  }

  /**
   * The events of a `text/event-stream` answer as they arrive. Ends when the server ends the stream or
   * the request's signal aborts (then quietly); a `problem` event (the server's stream failed) is thrown
   * as its PaveError.
   */
  async *events(request: ClientRequest): AsyncGenerator<ServerSentEvent> {
    const response = await this.#send({ accept: 'text/event-stream', ...request });
    if (!response.contentType.startsWith('text/event-stream')) throw await problemOf(response, this.transport.target);
    try {
      for await (const event of parseEventStream(response.chunks)) {
        if (event.event === 'problem') throw new PaveError(JSON.parse(event.data) as Problem);
        yield event;
      }
    } catch (error) {
      if (!request.signal?.aborted) throw error;
    }
  }

  async #send(request: ClientRequest): Promise<ClientResponse> {
    const response = await this.transport.send(request);
    if (response.status >= 400) throw await problemOf(response, this.transport.target);
    return response;
  }
}

/** The `PaveError` of a failed answer: its RFC 9457 problem when it sent one, else one naming the status. */
async function problemOf(response: ClientResponse, target: string): Promise<PaveError> {
  const text = await response.text().catch(() => '');
  if (/json/.test(response.contentType)) {
    try {
      const body = JSON.parse(text) as Partial<Problem>;
      if (typeof body.title === 'string' && typeof body.status === 'number') return new PaveError({ type: body.type ?? 'about:blank', ...body } as Problem);
    } catch {
      // not JSON after all: described below
    }
  }
  return unexpectedResponse(
    `${target} answered HTTP ${response.status} (${response.contentType || 'no content type'})${text ? `: ${text.slice(0, 200)}` : ''}`,
    response.status >= 400 ? response.status : 502,
  );
}

/** An answer the client cannot read as Pave's (a proxy's error page, a stream cut short). */
export function unexpectedResponse(detail: string, status = 502): PaveError {
  return new PaveError({ type: 'https://pave.dev/problems/unexpected-response', title: 'Unexpected response', status, detail });
}
