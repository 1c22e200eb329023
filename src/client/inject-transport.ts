import type { FastifyInstance } from 'fastify';
import { pathWithQuery, requestHeaders, type ClientResponse, type Transport } from './transport.js';

/**
 * Requests handed to a server in this same process through Fastify's `inject` (no socket), as the
 * bearer given — the CLI uses the local operator's in-memory secret. Bodies stream, so server-sent
 * events arrive as they are written.
 */
export function injectTransport(server: Pick<FastifyInstance, 'inject'>, bearer: string, target = 'the local store'): Transport {
  return {
    target,
    async send(request): Promise<ClientResponse> {
      const response = await server.inject({
        method: request.method,
        url: pathWithQuery(request.path, request.query),
        headers: requestHeaders(request, bearer),
        ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        payloadAsStream: true,
      });
      const stream = response.stream();
      return {
        status: response.statusCode,
        contentType: String(response.headers['content-type'] ?? ''),
        chunks: stream,
        async text() {
          const parts: Buffer[] = [];
          for await (const chunk of stream) parts.push(Buffer.from(chunk as Uint8Array));
          return Buffer.concat(parts).toString('utf8');
        },
      };
    },
  };
}
