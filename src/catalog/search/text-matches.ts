import type { SearchDocument } from './search-document.js';
import { TextCuts, type CutText, type DocumentCuts } from './text-cuts.js';
import { Letters, wordMatch } from './word-match.js';

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
 * types, lifecycles repeat across the candidates) once; a text or word lacking more of each typed word's letters
 * than its typos allow (word-match.ts's Letters) is not matched at all. Texts are cut by `cuts` (text-cuts.ts), kept across
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
  /** Per typed word: which texts it may match. */
  readonly #letters: Letters[];

  constructor(
    readonly typed: readonly string[],
    private readonly cuts: TextCuts = new TextCuts(),
  ) {
    this.#none = Array.from(typed, () => undefined);
    this.#letters = typed.map(t => new Letters(t));
  }

  matches(text: string): ReadonlyArray<WordHit | undefined> {
    return text ? this.matchesCut(this.cuts.cut(text)) : this.#none;
  }

  /** `matches` of a text already cut (by this matcher's `cuts`). */
  matchesCut(cut: CutText): ReadonlyArray<WordHit | undefined> {
    // Told by the text's letters first, a bit test: most texts answer no hits without being looked up.
    if (!this.#mayMatch(cut.letters)) return this.#none;
    let hits = this.#texts.get(cut);
    if (!hits) this.#texts.set(cut, (hits = this.#match(cut)));
    return hits;
  }

  /** A document's texts cut (text-cuts.ts), for `matchesCut`. */
  cutsOf(doc: SearchDocument): DocumentCuts {
    return this.cuts.document(doc);
  }

  /**
   * Whether any typed word may match any of the text's words: most texts (owners, kinds, lifecycles, bodies) have
   * letters a new word lacks, and answer no hits without their words walked or matched.
   */
  #mayMatch(letters: number): boolean {
    for (const of of this.#letters) if (of.mayMatch(letters)) return true;
    return false;
  }

  #match({ parts }: CutText): Array<WordHit | undefined> {
    const typed = this.typed;
    const hits: Array<WordHit | undefined> = typed.map(() => undefined);
    for (let p = 0; p < parts.length; p += 3) {
      const number = parts[p]!;
      // Told by the word's letters, a bit test, before its qualities are looked up or matched.
      if (!this.#mayMatch(this.cuts.letters(number))) continue;
      let of = this.#qualities.get(number);
      if (!of) {
        const word = this.cuts.word(number);
        const qualities: number[] = [];
        for (const t of typed) qualities.push(wordMatch(t, word));
        this.#qualities.set(number, (of = qualities));
      }
      for (let i = 0; i < typed.length; i++) keepHit(hits, i, of[i]!, parts[p + 1]!, parts[p + 2]!);
    }
    return hits;
  }
}

/** Keeps a typed word's (`hits[i]`) match at [start, end) if it is at least as good as its best yet. */
export function keepHit(hits: Array<WordHit | undefined>, i: number, quality: number, start: number, end: number): void {
  if (quality < MIN_QUALITY) return;
  const hit = hits[i];
  const span: [number, number] = [start, end];
  if (!hit || quality > hit.quality) hits[i] = { quality, spans: [span] };
  else if (quality === hit.quality && hit.spans.length < 20) hit.spans.push(span);
}
