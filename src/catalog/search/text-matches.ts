import { wordsOf } from './search-query.js';
import { wordMatch } from './word-match.js';

/** Where one typed word matched a text best: the quality (see wordMatch) and the spans that got it. */
export interface WordHit {
  quality: number;
  spans: Array<[start: number, end: number]>;
}

/** The least quality worth a highlight or a point. */
const MIN_QUALITY = 0.3;

/**
 * Matches one search's typed words against texts — each text word also in its camelCase parts, so
 * `createPayment` is found by "payment" — answering, per typed word, its best match and where it is. A search
 * ranks up to 500 entities whose texts share most of their words, and matching a word (edit distances) was
 * most of ranking's cost: each distinct text word is matched once, and each distinct text (owners, kinds,
 * types, lifecycles repeat across the candidates) once. Made for one ranking and dropped with it, so what it
 * remembers (the candidates' texts among it) dies young instead of waiting in old space for a full GC. An
 * answer is shared by every text alike: read it, never change it.
 * @example new TextMatcher(['paymnts']).matches('Takes card payments') // [{ quality: 0.5, spans: [[11, 19]] }]
 */
export class TextMatcher {
  readonly #qualities: Qualities = new Map();
  readonly #texts = new Map<string, ReadonlyArray<WordHit | undefined>>();

  constructor(readonly typed: readonly string[]) {}

  matches(text: string): ReadonlyArray<WordHit | undefined> {
    if (!text) return this.typed.map(() => undefined);
    let hits = this.#texts.get(text);
    if (!hits) this.#texts.set(text, (hits = matchText(text, this.typed, this.#qualities)));
    return hits;
  }
}

/** Each text word's qualities against the typed words. */
type Qualities = Map<string, readonly number[]>;

function matchText(text: string, typed: readonly string[], qualities: Qualities): Array<WordHit | undefined> {
  const hits: Array<WordHit | undefined> = typed.map(() => undefined);
  // No function made per text here: the bundle names each one it makes (keepNames), which cost as much as the rest.
  if (!ASCII_ONLY.test(text)) {
    for (const token of text.matchAll(WORD)) matchToken(hits, typed, qualities, token[0], token.index);
    return hits;
  }
  for (let at = 0; at < text.length; ) {
    const end = asciiWordEnd(text, at);
    if (end > at) matchToken(hits, typed, qualities, text.slice(at, end), at);
    at = Math.max(end, at + 1);
  }
  return hits;
}

/** A text word and, unless it is one camelCase part, each of its parts. */
function matchToken(hits: Array<WordHit | undefined>, typed: readonly string[], qualities: Qualities, token: string, at: number): void {
  matchPart(hits, typed, qualities, token, at);
  if (!SINGLE_PART.test(token)) for (const part of camelParts(token)) matchPart(hits, typed, qualities, part.word, at + part.at);
}

function matchPart(hits: Array<WordHit | undefined>, typed: readonly string[], qualities: Qualities, word: string, at: number): void {
  // toLowerCase, not toLocaleLowerCase('en-US'): the same mapping (only Turkish, Azeri and Lithuanian differ), far cheaper.
  const lower = word.toLowerCase();
  let of = qualities.get(lower);
  if (!of) qualities.set(lower, (of = typed.map(t => wordMatch(t, lower))));
  for (let i = 0; i < typed.length; i++) {
    const quality = of[i]!;
    if (quality < MIN_QUALITY) continue;
    const hit = hits[i];
    const span: [number, number] = [at, at + word.length];
    if (!hit || quality > hit.quality) hits[i] = { quality, spans: [span] };
    else if (quality === hit.quality && hit.spans.length < 20) hit.spans.push(span);
  }
}

/** A word: a run of letters and digits. */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A text of ASCII characters only. Most catalog text is: its words are runs of ASCII letters and digits, found
 * by character codes without a regex's match objects (a search reads ~2,500 texts), exactly as WORD finds them.
 */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Where the ASCII word starting at `at` ends (`at` itself when none starts there). */
function asciiWordEnd(text: string, at: number): number {
  let end = at;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) break;
  }
  return end;
}

/** How many words wordsOf finds in a text; an ASCII text's are counted without lower-casing it or listing them. */
export function wordCount(text: string): number {
  if (!ASCII_ONLY.test(text)) return wordsOf(text).length;
  let count = 0;
  for (let at = 0; at < text.length; ) {
    const end = asciiWordEnd(text, at);
    if (end > at) count++;
    at = Math.max(end, at + 1);
  }
  return count;
}

/** A word that is one camelCase part whole (`payments`, `Payments`, `v2`): most words, told without the regex below. */
const SINGLE_PART = /^[A-Z]?[a-z0-9]+$/;

function camelParts(token: string): Array<{ word: string; at: number }> {
  const parts = [...token.matchAll(/[\p{Lu}]?[\p{Ll}\p{N}]+|[\p{Lu}]+(?![\p{Ll}])/gu)];
  return parts.length > 1 ? parts.map(part => ({ word: part[0], at: part.index })) : [];
}
