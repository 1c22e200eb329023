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
 * @example const stream = listen(`${url}/api/platform/events`); await stream.connected; … await stream.stop();
 */
export function listen(url: string, headers: Record<string, string> = {}): SseListener {
  const controller = new AbortController();
  const events: SseListener['events'] = [];
  let markConnected!: () => void;
  const connected = new Promise<void>(resolve => (markConnected = resolve));
  const done = (async () => {
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream', ...headers } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) return;
      buffer += decoder.decode(value, { stream: true });
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
    }
  })().catch(error => {
    if ((error as Error).name !== 'AbortError') throw error;
  });
  return { events, connected, stop: async () => (controller.abort(), await done) };
}
