/**
 * The one server-sent-events writer: a route hands its reply over and gets a stream to send events
 * on. Knows the wire format and the connection's life, nothing about what is sent.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemOf } from './problem-handler.js';

export interface SseStreamOptions {
  /** How often a comment is sent while nothing else is, so proxies and browsers keep the connection. Default 15 s. */
  keepAliveMs?: number;
}

/** Event names and ids go on a line of their own: nothing that could end it or start another. */
const ONE_LINE = /^[^\r\n]*$/;

/**
 * A server-sent event stream on a hijacked reply: headers for a stream that no cache or proxy holds
 * back, `send(event, data, id?)` with data as JSON, comments, keep-alive comments while idle, a `problem`
 * event (RFC 9457) on failure, and the end of it all when the client goes away (`signal` aborts).
 * `lastEventId` is what a reconnecting client (EventSource) says it saw last.
 * @example
 *   const stream = SseStream.open(request, reply);
 *   try {
 *     for await (const event of changes({ after: stream.lastEventId, signal: stream.signal })) stream.send(event.type, event, event.id);
 *   } catch (error) {
 *     stream.fail(error);
 *   } finally {
 *     stream.close();
 *   }
 */
export class SseStream {
  /** The `Last-Event-ID` header of the request (a reconnecting client's last event id), if any. */
  readonly lastEventId: string | undefined;
  readonly #request: FastifyRequest;
  readonly #reply: FastifyReply;
  readonly #closed = new AbortController();
  readonly #keepAlive: NodeJS.Timeout;

  private constructor(request: FastifyRequest, reply: FastifyReply, options: SseStreamOptions) {
    this.#request = request;
    this.#reply = reply;
    const lastEventId = request.headers['last-event-id'];
    this.lastEventId = typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    this.#keepAlive = setInterval(() => this.comment('keep-alive'), options.keepAliveMs ?? 15_000);
    // The response closes when it is ended or when the client goes away: either way, stop.
    reply.raw.on('close', () => this.#stop());
  }

  /**
   * Takes the reply over (Fastify sends nothing more of its own) and starts the stream. Anything that
   * should answer with an ordinary error status (a 404) must be checked before.
   */
  static open(request: FastifyRequest, reply: FastifyReply, options: SseStreamOptions = {}): SseStream {
    return new SseStream(request, reply, options);
  }

  /**
   * `lastEventId` as a number, for streams whose ids count up (task events, the event log); undefined
   * when there is none or it is not a whole number.
   * @example const after = stream.lastEventNumber ?? 0;
   */
  get lastEventNumber(): number | undefined {
    const id = this.lastEventId;
    return id !== undefined && /^\d{1,15}$/.test(id) ? Number(id) : undefined;
  }

  /** Aborts when the stream ends: the client went away, or `close` was called. */
  get signal(): AbortSignal {
    return this.#closed.signal;
  }

  get closed(): boolean {
    return this.#closed.signal.aborted;
  }

  /**
   * Sends one event, its data as JSON; false when the stream has ended (the event is dropped).
   * @example stream.send('log', { message: 'Cloning' }, 42);
   */
  send(event: string, data: unknown, id?: string | number): boolean {
    if (!ONE_LINE.test(event) || (id !== undefined && !ONE_LINE.test(String(id)))) throw new Error('an event name or id must be one line');
    return this.#write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends a comment (clients skip it), e.g. `connected` once every later event will be heard. */
  comment(text: string): boolean {
    return this.#write(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`);
  }

  /**
   * Sends what went wrong as a `problem` event (the error's problem; anything unexpected is logged and
   * sent as a 500 without internals).
   */
  fail(error: unknown): void {
    this.send('problem', { ...problemOf(error, this.#request), instance: this.#request.url });
  }

  /** Ends the stream. */
  close(): void {
    this.#stop();
    if (!this.#reply.raw.writableEnded) this.#reply.raw.end();
  }

  #write(text: string): boolean {
    const raw = this.#reply.raw;
    if (this.closed || raw.writableEnded || raw.destroyed) return false;
    raw.write(text);
    return true;
  }

  #stop(): void {
    clearInterval(this.#keepAlive);
    if (!this.#closed.signal.aborted) this.#closed.abort();
  }
}
