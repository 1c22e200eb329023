/**
 * The Streamable HTTP sessions of `/api/mcp`: one SDK transport and one MCP server per session, kept in
 * this process's memory, each bound to the principal who opened it (another caller presenting its id is
 * told there is no such session). Idle sessions are dropped when a new one opens (no timer runs while
 * nobody uses MCP); there are at most `max` at once and `maxPerPrincipal` of one caller (the least recently
 * used goes first). Behind several replicas, route each `mcp-session-id` to one replica; a client that
 * reaches another is told to start a new session (404), as the MCP specification says.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { McpCaller } from './mcp-server.js';

interface Session {
  transport: StreamableHTTPServerTransport;
  server: Server;
  principal: string;
  lastUsed: number;
}

export interface McpSessionsOptions {
  /** A new MCP server (its caller read from each request's `auth.extra.caller`). */
  createServer: () => Promise<Server>;
  /** Sessions idle longer than this are dropped. Default 30 minutes. */
  idleMs?: number;
  /** At most this many at once. Default 1000. */
  max?: number;
  /** At most this many per principal (their oldest goes first), so no caller crowds out the others. Default 10. */
  maxPerPrincipal?: number;
  now?: () => number;
}

/** One HTTP request to `/api/mcp`, with who makes it. */
export interface McpHttpRequest {
  raw: IncomingMessage;
  reply: ServerResponse;
  body: unknown;
  principal: string;
  caller: McpCaller;
  sessionId: string | undefined;
}

export class McpSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #options: Required<Omit<McpSessionsOptions, 'createServer'>> & Pick<McpSessionsOptions, 'createServer'>;

  constructor(options: McpSessionsOptions) {
    this.#options = { idleMs: 30 * 60_000, max: 1000, maxPerPrincipal: 10, now: Date.now, ...options };
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Serves one request: a new session for `initialize`, else the caller's session's. */
  async handle(request: McpHttpRequest): Promise<void> {
    (request.raw as IncomingMessage & { auth?: AuthInfo }).auth = { token: '', clientId: request.principal, scopes: [...(request.caller.scopes ?? [])], extra: { caller: request.caller } };
    if (request.sessionId === undefined) {
      if (request.raw.method !== 'POST' || !isInitializeRequest(request.body)) return this.#refuse(request.reply, 400, -32000, 'Bad Request: start with an initialize request (no mcp-session-id), then send its mcp-session-id');
      const session = await this.#open(request.principal);
      return session.transport.handleRequest(request.raw, request.reply, request.body);
    }
    const session = this.#sessions.get(request.sessionId);
    if (!session || session.principal !== request.principal) return this.#refuse(request.reply, 404, -32001, 'Session not found: start a new one');
    session.lastUsed = this.#options.now();
    await session.transport.handleRequest(request.raw, request.reply, request.body);
  }

  /** Ends every session (the server is closing). */
  async close(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map(session => session.server.close().catch(() => undefined)));
  }

  async #open(principal: string): Promise<Session> {
    this.#sweep();
    const own = [...this.#sessions.entries()].filter(([, session]) => session.principal === principal).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [id, session] of own.slice(0, Math.max(0, own.length + 1 - this.#options.maxPerPrincipal))) this.#drop(id, session);
    const server = await this.#options.createServer();
    const session: Session = {
      server,
      principal,
      lastUsed: this.#options.now(),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: id => void this.#sessions.set(id, session),
      }),
    };
    session.transport.onclose = () => {
      if (session.transport.sessionId) this.#sessions.delete(session.transport.sessionId);
    };
    await server.connect(session.transport);
    return session;
  }

  /** Drops idle sessions, and the least recently used beyond the limit. */
  #sweep(): void {
    const now = this.#options.now();
    const byAge = [...this.#sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let excess = byAge.length + 1 - this.#options.max;
    for (const [id, session] of byAge) {
      if (now - session.lastUsed <= this.#options.idleMs && excess <= 0) break;
      this.#drop(id, session);
      excess--;
    }
  }

  #drop(id: string, session: Session): void {
    this.#sessions.delete(id);
    void session.server.close().catch(() => undefined);
  }

  #refuse(reply: ServerResponse, status: number, code: number, message: string): void {
    reply.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
  }
}
