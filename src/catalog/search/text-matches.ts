import { TextCuts, type CutText } from './text-cuts.js';
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
 * types, lifecycles repeat across the candidates) once. Texts are cut by `cuts` (text-cuts.ts), kept across
 * searches. Made for one ranking and dropped with it, so what it remembers dies young instead of waiting in old
 * space for a full GC. An answer is shared by every text alike: read it, never change it.
 * @example new TextMatcher(['paymnts']).matches('Takes card payments') // [{ quality: 0.5, spans: [[11, 19]] }]
 */
export class TextMatcher {
  /**
   * Per word number of `cuts`: its qualities against the typed words (`typed.length` from `number * typed.length`),
   * and whether they were computed. Arrays by number, not a Map: the lookup runs for every word of every text.
   */
  #qualities = new Float64Array(0);
  #known = new Uint8Array(0);
  /** Per text cut (texts alike share one): its answer. */
  readonly #texts = new Map<CutText, ReadonlyArray<WordHit | undefined>>();
  readonly #none: ReadonlyArray<WordHit | undefined>;

  constructor(
    readonly typed: readonly string[],
    private readonly cuts: TextCuts = new TextCuts(),
  ) {
    this.#none = Array.from(typed, () => undefined);
  }

  matches(text: string): ReadonlyArray<WordHit | undefined> {
    if (!text) return this.#none;
    const cut = this.cuts.cut(text);
    let hits = this.#texts.get(cut);
    if (!hits) this.#texts.set(cut, (hits = this.#match(cut)));
    return hits;
  }

  /** How many words the text has (wordsOf's count). */
  wordCount(text: string): number {
    return text ? this.cuts.cut(text).wordCount : 0;
  }

  #match({ parts }: CutText): Array<WordHit | undefined> {
    const typed = this.typed;
    const hits: Array<WordHit | undefined> = typed.map(() => undefined);
    const n = typed.length;
    for (let p = 0; p < parts.length; p += 3) {
      const number = parts[p]!;
      if (number >= this.#known.length) this.#grow(number);
      const qualities = this.#qualities;
      if (!this.#known[number]) {
        const word = this.cuts.word(number);
        for (let i = 0; i < n; i++) qualities[number * n + i] = wordMatch(typed[i]!, word);
        this.#known[number] = 1;
      }
      for (let i = 0; i < n; i++) {
        const quality = qualities[number * n + i]!;
        if (quality < MIN_QUALITY) continue;
        const hit = hits[i];
        const span: [number, number] = [parts[p + 1]!, parts[p + 2]!];
        if (!hit || quality > hit.quality) hits[i] = { quality, spans: [span] };
        else if (quality === hit.quality && hit.spans.length < 20) hit.spans.push(span);
      }
    }
    return hits;
  }

  /** Room for word numbers up to `number` (and as many again: the cuts' vocabulary grows as texts are cut). */
  #grow(number: number): void {
    const size = Math.max(number + 1, this.#known.length * 2, 1024);
    const known = new Uint8Array(size);
    known.set(this.#known);
    const qualities = new Float64Array(size * this.typed.length);
    qualities.set(this.#qualities);
    this.#known = known;
    this.#qualities = qualities;
  }
}
