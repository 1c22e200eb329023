/** One server-sent event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads a `text/event-stream` body into events (comments such as keep-alives are skipped; `event`
 * defaults to `message`). Ends when the body ends.
 * @example for await (const e of parseEventStream(response.chunks)) console.log(e.event, JSON.parse(e.data));
 */
export async function* parseEventStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let current: { event?: string; data: string[]; id?: string } = { data: [] };
  for await (const chunk of chunks) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
      if (line === '') {
        if (current.data.length) yield { event: current.event ?? 'message', data: current.data.join('\n'), ...(current.id !== undefined ? { id: current.id } : {}) };
        current = { data: [] };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') current.event = value;
      else if (field === 'data') current.data.push(value);
      else if (field === 'id') current.id = value;
    }
  }
}
