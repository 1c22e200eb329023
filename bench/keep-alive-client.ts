/**
 * GETs for benchmarks that send many requests from one process: node:http over a keep-alive agent, the body counted
 * and dropped. `fetch` builds WHATWG Request, Response, Headers and stream objects for every request; with 200
 * clients on a 2-core machine that shared the cores with the servers being measured (see bench/README.md `## load`).
 * @example const client = new KeepAliveClient(200); const { status, bytes } = await client.get(url); client.close();
 */
import { Agent, request } from 'node:http';

export interface GetAnswer {
  status: number;
  bytes: number;
}

export class KeepAliveClient {
  readonly #agent: Agent;

  /** `sockets`: connections kept per server (one per client that may be waiting on it). */
  constructor(sockets: number) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** Resolves once the whole answer is read; rejects on a connection error. */
  get(url: string): Promise<GetAnswer> {
    return new Promise((done, fail) => {
      const req = request(url, { agent: this.#agent }, res => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => done({ status: res.statusCode ?? 0, bytes }));
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
