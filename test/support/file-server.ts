/**
 * A small HTTP server on 127.0.0.1 standing in for a remote host that Pave reads URLs from: it answers
 * each path with fixed content, a redirect, or a response it never finishes, and counts what it was asked.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What one path answers: its content (with its length declared), content sent in chunks (no length
 * declared), a redirect to another URL (relative or absolute), a bare status, or a response that never ends.
 */
export type FileRoute = string | Buffer | { chunks: string[] } | { redirect: string; status?: number } | { status: number } | { hang: true };

export interface FileServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** 127.0.0.1:<port>, as an allow-list entry names it. */
  readonly host: string;
  readonly port: number;
  /** The paths asked for, in order (query strings included). */
  readonly requests: string[];
  /** Sets (or replaces) what a path answers. */
  route(path: string, answer: FileRoute): void;
  close(): Promise<void>;
}

/**
 * Starts the stand-in. Paths not routed answer 404.
 * @example const files = await startFileServer({ '/defs/api.yaml': 'openapi: 3.0.0\n' }); … await files.close();
 */
export async function startFileServer(routes: Record<string, FileRoute> = {}): Promise<FileServer> {
  const table = new Map(Object.entries(routes));
  const held = new Set<ServerResponse>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const answer = table.get(path.split('?')[0]!);
    if (answer === undefined) return void res.writeHead(404).end();
    if (typeof answer === 'string' || Buffer.isBuffer(answer)) return void res.end(answer);
    if ('chunks' in answer) {
      res.writeHead(200);
      for (const chunk of answer.chunks) res.write(chunk);
      return void res.end();
    }
    if ('redirect' in answer) return void res.writeHead(answer.status ?? 302, { location: answer.redirect }).end();
    if ('status' in answer) return void res.writeHead(answer.status).end();
    held.add(res);
    res.writeHead(200).write('the first bytes, and then nothing');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    route: (path, answer) => void table.set(path, answer),
    async close() {
      for (const res of held) res.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
