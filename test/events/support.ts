/**
 * Harness for the events-out suites: a real webhook receiver on 127.0.0.1 that can answer 500, refuse
 * connections or accept, checks every signature with its own HMAC (an oracle independent of Pave's code),
 * and a Pave whose event consumers and delivery worker run, on SQLite or a PostgreSQL schema.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { defaultEventsConfig, type EventsConfig, type WebhooksConfig } from '../../src/events/events-config.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';
import type { FastifyInstance } from 'fastify';

/** One request the receiver accepted (answered 2xx). */
export interface Received {
  id: string;
  seq: number;
  type: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Whether `Pave-Signature` checked out against the receiver's secret for that path. */
  signatureValid: boolean;
}

export type ReceiverMode = 'accept' | 'error' | 'refuse' | 'hold';

/**
 * A webhook receiver on 127.0.0.1. `mode`: accept (204), error (500), refuse (the port is closed, so
 * connections are refused) or hold (the request is read and never answered; `held` lists the event ids).
 * Secrets are set per path, as each subscription's receiver would know its own.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Every request that arrived, accepted or not. */
  arrivals = 0;
  /** Event ids of the requests taken in and never answered (mode hold). */
  readonly held: string[] = [];
  readonly secrets = new Map<string, string>();
  #server: http.Server;
  #port = 0;
  #mode: ReceiverMode = 'accept';

  private constructor() {
    this.#server = this.#create();
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.#listen(0);
    return receiver;
  }

  get port(): number {
    return this.#port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** The accepted deliveries sent to one path. */
  at(path: string): Received[] {
    return this.received.filter(r => r.path === path);
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    if (mode === this.#mode) return;
    if (this.#mode === 'refuse') {
      this.#server = this.#create();
      await this.#listen(this.#port);
    }
    if (mode === 'refuse') await this.#closeServer();
    this.#mode = mode;
  }

  async close(): Promise<void> {
    if (this.#mode !== 'refuse') await this.#closeServer();
  }

  #create(): http.Server {
    return http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.arrivals++;
        if (this.#mode === 'hold') {
          this.held.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id);
          return;
        }
        if (this.#mode !== 'accept') {
          response.writeHead(500).end('down');
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        const event = JSON.parse(body) as { id: string; seq: number; type: string };
        this.received.push({ id: event.id, seq: event.seq, type: event.type, path, headers: request.headers, body, signatureValid: verify(this.secrets.get(path), String(request.headers['pave-signature'] ?? ''), body) });
        response.writeHead(204).end();
      });
    });
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  #closeServer(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise(resolve => this.#server.close(() => resolve()));
  }
}

/** Checks `t=<unix>,v1=<hex>` as a receiver would: HMAC-SHA256 of "<t>.<body>" with the secret, within five minutes. */
export function verify(secret: string | undefined, header: string, body: string): boolean {
  if (!secret) return false;
  const parts = Object.fromEntries(header.split(',').map(part => part.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300 || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Webhook settings for tests: the receiver's loopback address allowed, quick retries. */
export function testWebhooks(overrides: Partial<WebhooksConfig> = {}): EventsConfig {
  return { ...defaultEventsConfig(), webhooks: { ...defaultEventsConfig().webhooks, allowedHosts: ['127.0.0.1'], timeoutSeconds: 5, retryBaseSeconds: 0.05, retryMaxSeconds: 0.4, ...overrides } };
}

export interface EventsPave {
  url: string;
  app: PaveApp;
  server: FastifyInstance;
  dataDir: string;
  /** Stops this process (server, workers, store) but keeps its data folder, as a restart would. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Starts an app's event consumers and webhook delivery worker, as `pave serve` does. */
export async function run(app: PaveApp): Promise<void> {
  await app.workers.start(['store.event-consumers', 'events.webhook-delivery']);
}

/**
 * A Pave on 127.0.0.1 with its event consumers and webhook worker running (auth off: every request an
 * anonymous admin, unless `config.auth` says otherwise); with `idle`, not yet running them (see `run`).
 * Pass `dataDir` to start on another's data.
 */
export async function startEventsPave(options: { config?: Partial<PaveConfig>; dataDir?: string; logger?: Logger; idle?: boolean } = {}): Promise<EventsPave> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pave-events-')));
  const config: PaveConfig = { ...defaultConfig(), dataDir, port: 0, logLevel: 'silent', events: testWebhooks(), auth: { ...defaultConfig().auth, enabled: false }, ...options.config };
  const app = await createApp(config, { logger: options.logger ?? createLogger('silent') });
  const server = await createServer(app, { portalDir: join(tmpdir(), 'pave-no-portal') });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  if (!options.idle) await run(app);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await app.close();
  };
  return { url, app, server, dataDir, stop, close: async () => (await stop(), options.dataDir ? undefined : await rm(dataDir, { recursive: true, force: true })) };
}

/**
 * A TCP proxy on 127.0.0.1 that can be taken down (its port closed, every connection cut, so clients see
 * refused connections) and brought back on the same port, to stand for a server that goes away and returns.
 */
export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.up();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  async up(): Promise<void> {
    if (this.#server) return;
    const server = net.createServer(client => {
      const upstream = net.connect(this.#target.port, this.#target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => (this.#sockets.delete(socket), client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', resolve);
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise(resolve => server.close(resolve));
  }
}
