import { Readable } from 'node:stream';

/**
 * Answers a JSON array as it is read, page by page (`[`, the items, `]`), so an answer of any size is never
 * one string in memory. `transform` turns a page into its items' JSON texts (stored ready to send, or
 * serialised). The first page is read before anything is sent: a mistake found there (a bad filter) is
 * still answered as a problem, not as a broken 200.
 * @example return reply.type('application/json; charset=utf-8').send(await jsonArrayStream(reader.sentListPages(query), page => page.map(sent => sent.json)));
 */
export async function jsonArrayStream<T>(pages: AsyncIterator<T[]>, transform: (page: T[]) => Promise<string[]> | string[]): Promise<Readable> {
  const first = await pages.next();
  const firstItems = first.done ? [] : await transform(first.value);
  async function* text(): AsyncGenerator<string> {
    yield '[';
    let written = 0;
    const write = (items: string[]) => {
      const chunk = items.join(',');
      const out = items.length ? (written ? ',' : '') + chunk : '';
      written += items.length;
      return out;
    };
    yield write(firstItems);
    if (!first.done) {
      for (let next = await pages.next(); !next.done; next = await pages.next()) yield write(await transform(next.value));
    }
    yield ']';
  }
  return Readable.from(text(), { objectMode: false });
}
