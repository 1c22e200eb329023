import { wordMatch } from './word-match.js';

/** Where one typed word matched a text best: the quality (see wordMatch) and the spans that got it. */
export interface WordHit {
  quality: number;
  spans: Array<[start: number, end: number]>;
}

/** The least quality worth a highlight or a point. */
const MIN_QUALITY = 0.3;

/**
 * Each text word's qualities against one search's typed words (the same array for the whole search). A
 * search ranks up to 500 entities whose texts share most of their words, and matching a word (edit
 * distances) was most of ranking's cost: each distinct word is matched once per search. Held weakly, so
 * it goes with the search's words.
 */
const qualitiesByTyped = new WeakMap<readonly string[], Map<string, readonly number[]>>();

function qualitiesOf(typed: readonly string[], word: string): readonly number[] {
  let memo = qualitiesByTyped.get(typed);
  if (!memo) qualitiesByTyped.set(typed, (memo = new Map()));
  let qualities = memo.get(word);
  if (!qualities) memo.set(word, (qualities = typed.map(t => wordMatch(t, word))));
  return qualities;
}

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
      // toLowerCase, not toLocaleLowerCase('en-US'): the same mapping (only Turkish, Azeri and Lithuanian differ), far cheaper.
      const qualities = qualitiesOf(typed, part.word.toLowerCase());
      for (let i = 0; i < typed.length; i++) {
        const quality = qualities[i]!;
        if (quality < MIN_QUALITY) continue;
        const hit = hits[i];
        const span: [number, number] = [part.at, part.at + part.word.length];
        if (!hit || quality > hit.quality) hits[i] = { quality, spans: [span] };
        else if (quality === hit.quality && hit.spans.length < 20) hit.spans.push(span);
      }
    }
  }
  return hits;
}

/** A word that is one camelCase part whole (`payments`, `Payments`, `v2`): most words, told without the regex below. */
const SINGLE_PART = /^[A-Z]?[a-z0-9]+$/;

function camelParts(token: string): Array<{ word: string; at: number }> {
  if (SINGLE_PART.test(token)) return [];
  const parts = [...token.matchAll(/[\p{Lu}]?[\p{Ll}\p{N}]+|[\p{Lu}]+(?![\p{Ll}])/gu)];
  return parts.length > 1 ? parts.map(part => ({ word: part[0], at: part.index })) : [];
}
