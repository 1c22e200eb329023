/**
 * The SSE writer over real HTTP (Fastify on 127.0.0.1), read back with the client's own parser and
 * connection, so both ends of the wire format are checked together.
 */
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { notFound } from '../core/problem.js';
import { ApiConnection } from '../client/api-connection.js';
import { parseEventStream, type ServerSentEvent } from '../client/event-stream.js';
import { httpTransport } from '../client/http-transport.js';
import { SseStream } from './sse-stream.js';

/** The routes' streams, handed to a test waiting for the next one. */
let nextOpened: ((stream: SseStream) => void) | undefined;
const open = (...args: Parameters<typeof SseStream.open>) => {
  const stream = SseStream.open(...args);
  nextOpened?.(stream);
  return stream;
};
const streamOpened = () => new Promise<SseStream>(resolve => (nextOpened = resolve));

const server = Fastify({ logger: false });
server.get('/events', async (request, reply) => {
  const stream = open(request, reply);
  stream.comment('connected');
  stream.send('log', { message: 'line one\nline two' }, 7);
  stream.send('done', { lastEventId: stream.lastEventId ?? null, lastEventNumber: stream.lastEventNumber ?? null });
  stream.close();
});
server.get('/idle', async (request, reply) => {
  // Stays open, sending only keep-alives, until the client goes away.
  open(request, reply, { keepAliveMs: 20 });
});
server.get('/fails/:how', async (request, reply) => {
  const stream = open(request, reply);
  stream.send('file', { n: 1 });
  stream.fail((request.params as { how: string }).how === 'known' ? notFound('No such thing') : new Error('secret internals'));
  stream.close();
});
const base = await server.listen({ host: '127.0.0.1', port: 0 });
afterAll(() => server.close());

async function read(path: string, headers: Record<string, string> = {}): Promise<{ response: Response; events: ServerSentEvent[]; text: string }> {
  const response = await fetch(base + path, { headers });
  const text = await response.clone().text();
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(response.body!)) events.push(event);
  return { response, events, text };
}

describe('SseStream', () => {
  it('sends events with JSON data and ids, and comments, under headers no cache or proxy holds back', async () => {
    const { response, events, text } = await read('/events');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(text.startsWith(': connected\n\n')).toBe(true);
    expect(events).toEqual([
      { event: 'log', data: JSON.stringify({ message: 'line one\nline two' }), id: '7' },
      { event: 'done', data: JSON.stringify({ lastEventId: null, lastEventNumber: null }) },
    ]);
  });

  it("reads a reconnecting client's Last-Event-ID, as text and as a number when it is one", async () => {
    expect(JSON.parse((await read('/events', { 'last-event-id': '41' })).events[1]!.data)).toEqual({ lastEventId: '41', lastEventNumber: 41 });
    expect(JSON.parse((await read('/events', { 'last-event-id': 'abc' })).events[1]!.data)).toEqual({ lastEventId: 'abc', lastEventNumber: null });
  });

  it('refuses an event name or id that would end its line', async () => {
    const opening = streamOpened();
    const controller = new AbortController();
    const response = await fetch(`${base}/idle`, { signal: controller.signal });
    const stream = await opening;
    expect(() => stream.send('log\ndata: forged', {})).toThrow(/one line/);
    expect(() => stream.send('log', {}, '1\nevent: forged')).toThrow(/one line/);
    controller.abort();
    await response.body?.cancel().catch(() => undefined);
  });

  it('sends keep-alive comments while idle, and ends when the client goes away', async () => {
    const opening = streamOpened();
    const controller = new AbortController();
    const response = await fetch(`${base}/idle`, { signal: controller.signal });
    const stream = await opening;
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': keep-alive\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(stream.closed).toBe(false);
    const ended = new Promise(resolve => stream.signal.addEventListener('abort', resolve));
    controller.abort();
    await ended;
    expect(stream.closed).toBe(true);
    expect(stream.send('late', {})).toBe(false);
  });

  it("fails with a problem event: the error's own problem, or a 500 that tells nothing of the internals", async () => {
    const known = await read('/fails/known');
    expect(known.events.map(e => e.event)).toEqual(['file', 'problem']);
    expect(JSON.parse(known.events[1]!.data)).toMatchObject({ status: 404, title: 'Not found', detail: 'No such thing', instance: '/fails/known' });
    const unknown = await read('/fails/unknown');
    expect(JSON.parse(unknown.events[1]!.data)).toMatchObject({ status: 500, type: 'https://pave.dev/problems/internal', instance: '/fails/unknown' });
    expect(unknown.text).not.toContain('secret internals');
  });

  it("reaches the client's connection, which yields the events and throws the problem as its PaveError", async () => {
    const connection = new ApiConnection(httpTransport(base, 'unused'));
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of connection.events({ method: 'GET', path: '/fails/known' })) seen.push(event.event);
    })();
    await expect(reading).rejects.toMatchObject({ name: 'PaveError', problem: { status: 404, detail: 'No such thing' } });
    expect(seen).toEqual(['file']);
  });
});
