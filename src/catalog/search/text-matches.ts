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
  /** Per word number of `cuts`: its qualities against the typed words. */
  readonly #qualities = new Map<number, readonly number[]>();
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
    for (let p = 0; p < parts.length; p += 3) {
      const number = parts[p]!;
      let of = this.#qualities.get(number);
      if (!of) {
        const word = this.cuts.word(number);
        const qualities: number[] = [];
        for (const t of typed) qualities.push(wordMatch(t, word));
        this.#qualities.set(number, (of = qualities));
      }
      for (let i = 0; i < typed.length; i++) {
        const quality = of[i]!;
        if (quality < MIN_QUALITY) continue;
        const hit = hits[i];
        const span: [number, number] = [parts[p + 1]!, parts[p + 2]!];
        if (!hit || quality > hit.quality) hits[i] = { quality, spans: [span] };
        else if (quality === hit.quality && hit.spans.length < 20) hit.spans.push(span);
      }
    }
    return hits;
  }
}
