import { unavailable } from '../core/problem.js';
import { pathWithQuery, requestHeaders, type ClientResponse, type Transport } from './transport.js';

/**
 * Real HTTP to a Pave server with an API token (`Authorization: Bearer …`).
 * @example const client = new PaveClient(httpTransport('https://pave.example.com', token));
 */
export function httpTransport(server: string, token: string): Transport {
  return {
    target: server,
    async send(request): Promise<ClientResponse> {
      let response: Response;
      try {
        response = await fetch(new URL(pathWithQuery(request.path, request.query), server), {
          method: request.method,
          headers: requestHeaders(request, token),
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error) {
        if (request.signal?.aborted) throw error;
        const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
        throw unavailable(`Could not reach ${server}: ${cause}`);
      }
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        chunks: response.body ?? emptyBody(),
        text: () => response.text(),
      };
    },
  };
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
