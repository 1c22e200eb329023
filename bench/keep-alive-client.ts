/**
 * GETs for benchmarks that send many requests from one process: HTTP/1.1 over kept-alive TCP connections, written
 * and read here, the body counted and dropped. `fetch` builds WHATWG Request, Response, Headers and stream objects
 * for every request, and node:http an IncomingMessage, a ClientRequest and their header objects; with 200 clients
 * on a 2-core machine shared with the servers being measured, the clients' process was a third of the CPU measured
 * (see bench/README.md `## load`). Each answer is still read whole: its status line, headers, and a body of
 * Content-Length bytes or chunked to its last chunk.
 * @example const client = new KeepAliveClient(200); const { status, bytes } = await client.get(url); client.close();
 */
import { connect, type Socket } from 'node:net';

export interface GetAnswer {
  status: number;
  bytes: number;
}

export class KeepAliveClient {
  /** Idle connections by host:port. */
  readonly #idle = new Map<string, Connection[]>();
  readonly #all = new Set<Connection>();

  /** `sockets`: connections kept per server (one per client that may be waiting on it). */
  constructor(private readonly sockets: number) {}

  /** Resolves once the whole answer is read; rejects on a connection error. */
  get(url: string): Promise<GetAnswer> {
    const { host, hostname, port, pathname, search } = new URL(url);
    const idle = this.#idle.get(host) ?? [];
    // One the server closed while it waited is no use.
    let connection = idle.pop();
    while (connection && !connection.reusable) connection = idle.pop();
    connection ??= this.#open(hostname, Number(port || 80));
    const used = connection;
    return used.get(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${host}\r\n\r\n`).then(
      answer => {
        if (used.reusable) {
          const list = this.#idle.get(host) ?? [];
          if (list.length < this.sockets) {
            list.push(used);
            this.#idle.set(host, list);
          } else used.close();
        } else used.close();
        return answer;
      },
      (error: Error) => {
        this.#all.delete(used);
        throw error;
      },
    );
  }

  close(): void {
    for (const connection of this.#all) connection.close();
    this.#all.clear();
    this.#idle.clear();
  }

  #open(hostname: string, port: number): Connection {
    const connection = new Connection(connect({ host: hostname, port, noDelay: true }), () => this.#all.delete(connection));
    this.#all.add(connection);
    return connection;
  }
}

/** One TCP connection, one request at a time on it. */
class Connection {
  reusable = true;
  #pending: { done: (answer: GetAnswer) => void; fail: (error: Error) => void } | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #status = 0;
  /** Body bytes still to read (Content-Length), or -1 while reading chunks, or -2 while reading the head. */
  #left = -2;
  #bytes = 0;

  constructor(
    private readonly socket: Socket,
    private readonly closed: () => void,
  ) {
    socket.on('data', chunk => this.#read(chunk));
    socket.on('error', error => this.#fail(error));
    socket.on('close', () => {
      this.reusable = false;
      this.closed();
      this.#fail(new Error('socket closed before the answer ended'));
    });
  }

  get(head: string): Promise<GetAnswer> {
    return new Promise((done, fail) => {
      this.#pending = { done, fail };
      this.#buffer = Buffer.alloc(0);
      this.#left = -2;
      this.#bytes = 0;
      this.socket.write(head);
    });
  }

  close(): void {
    this.reusable = false;
    this.socket.destroy();
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.fail(error);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      if (this.#left === -2) {
        const end = this.#buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = this.#buffer.toString('latin1', 0, end);
        this.#buffer = this.#buffer.subarray(end + 4);
        this.#status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        this.reusable = !/\r\nconnection:\s*close/i.test(head);
        this.#left = length ? Number(length[1]) : /\r\ntransfer-encoding:\s*chunked/i.test(head) ? -1 : 0;
        continue;
      }
      if (this.#left >= 0) {
        const taken = Math.min(this.#left, this.#buffer.length);
        this.#bytes += taken;
        this.#left -= taken;
        this.#buffer = this.#buffer.subarray(taken);
        if (this.#left > 0) return;
        return this.#end();
      }
      // Chunked: a size line, the chunk and its CRLF; size 0 ends the body (no trailers are sent to us).
      const line = this.#buffer.indexOf('\r\n');
      if (line < 0) return;
      const size = parseInt(this.#buffer.toString('latin1', 0, line), 16);
      if (this.#buffer.length < line + 2 + size + 2) return;
      this.#bytes += size;
      this.#buffer = this.#buffer.subarray(line + 2 + size + 2);
      if (size === 0) return this.#end();
    }
  }

  #end(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    this.#buffer = Buffer.alloc(0);
    pending?.done({ status: this.#status, bytes: this.#bytes });
  }
}
