import { get } from 'node:http';
import { expect } from 'vitest';

export interface SseListener {
  /** Every event received so far, in order. */
  events: Array<{ event: string; data: Record<string, unknown>; id?: string }>;
  /** Resolves at the server's `: connected` comment, after which every change is heard. */
  connected: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Collects a server-sent event stream (`event:` and JSON `data:` lines) until stopped.
 * Read over node:http rather than fetch: on stop the connection is destroyed and nothing else is left open
 * (Node's fetch, aborted mid-stream, can leave a connection the server keeps serving, holding up its close).
 * @example const stream = listen(`${url}/api/platform/events`); await stream.connected; … await stream.stop();
 */
export function listen(url: string, headers: Record<string, string> = {}): SseListener {
  const events: SseListener['events'] = [];
  let markConnected!: () => void;
  const connected = new Promise<void>(resolve => (markConnected = resolve));
  let stopped = false;
  const request = get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const done = new Promise<void>((resolve, reject) => {
    request.on('error', error => (stopped ? resolve() : reject(error)));
    request.on('close', () => resolve());
    request.on('response', response => {
      expect(response.headers['content-type']).toContain('text/event-stream');
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(': connected')) markConnected();
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          const id = /^id: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown>, ...(id !== undefined ? { id } : {}) });
        }
      });
    });
  });
  const stop = async () => {
    stopped = true;
    request.destroy();
    await done;
  };
  return { events, connected, stop };
}
