import { wordMatch } from './word-match.js';

/** Where one typed word matched a text best: the quality (see wordMatch) and the spans that got it. */
export interface WordHit {
  quality: number;
  spans: Array<[start: number, end: number]>;
}

/** The least quality worth a highlight or a point. */
const MIN_QUALITY = 0.3;

/**
 * Matches each typed word against the words of a text — each word also in its camelCase parts, so
 * `createPayment` is found by "payment" — answering, per typed word, its best match and where it is.
 * @example textMatches('Takes card payments', ['paymnts']) // [{ quality: 0.5, spans: [[11, 19]] }]
 */
export function textMatches(text: string, typed: readonly string[]): Array<WordHit | undefined> {
  const hits: Array<WordHit | undefined> = typed.map(() => undefined);
  if (!text) return hits;
  for (const token of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const start = token.index;
    const parts = [{ word: token[0], at: start }, ...camelParts(token[0]).map(part => ({ word: part.word, at: start + part.at }))];
    for (const part of parts) {
      const word = part.word.toLocaleLowerCase('en-US');
      typed.forEach((t, i) => {
        const quality = wordMatch(t, word);
        if (quality < MIN_QUALITY) return;
        const hit = hits[i];
        const span: [number, number] = [part.at, part.at + part.word.length];
        if (!hit || quality > hit.quality) hits[i] = { quality, spans: [span] };
        else if (quality === hit.quality && hit.spans.length < 20) hit.spans.push(span);
      });
    }
  }
  return hits;
}

function camelParts(token: string): Array<{ word: string; at: number }> {
  const parts = [...token.matchAll(/[\p{Lu}]?[\p{Ll}\p{N}]+|[\p{Lu}]+(?![\p{Ll}])/gu)];
  return parts.length > 1 ? parts.map(part => ({ word: part[0], at: part.index })) : [];
}
