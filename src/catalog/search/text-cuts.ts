import type { SearchDocument } from './search-document.js';
import { wordsOf } from './search-query.js';
import { lettersOf } from './word-match.js';

/**
 * A text cut into the words search matches: each text word, then (unless it is one camelCase part) each of its
 * parts, in the order they come, as numbers in the cutting TextCuts' vocabulary (lower-cased) and the span of the
 * word as written. `parts` holds [number, start, end] per word.
 */
export interface CutText {
  readonly parts: Int32Array;
  /** Its words' letters together (lettersOf): a typed word none of them may match skips the text. */
  readonly letters: number;
  /** How many words wordsOf finds in the text. */
  readonly wordCount: number;
}

/** The texts of a search document that search matches, cut. */
export type DocumentCuts = Readonly<Record<'title' | 'name' | 'description' | 'owner' | 'body', CutText>>;

/**
 * About how many 4-byte units the cut texts may take before a new TextCuts starts over (~16 MiB): a cut's numbers,
 * and its text (a key: UTF-16, two bytes a unit, counted as half a number), the words it numbered, and the
 * documents whose cuts it keeps.
 */
const MAX_CUT_NUMBERS = 4_000_000;

/**
 * What one document's kept cuts take beyond its texts' (counted once per text), in 4-byte units: the object of five
 * references (~56 bytes) and its WeakMap entry (~40 bytes). Counted until the TextCuts is replaced, though the entry
 * goes with its document: documents of texts already cut (a docs page held again in a new state, repeated sections)
 * would otherwise add entries without end.
 */
const DOCUMENT_CUTS_NUMBERS = 24;

/**
 * Texts cut into numbered words, kept across searches: a search ranks ~500 candidates whose ~2,500 texts are
 * mostly those the previous searches read, and cutting them (scanning, lower-casing, camelCase parts) was most of
 * a new word's ranking. Cutting depends on the text alone, so what is kept never goes stale; a TextCuts only
 * grows (a matcher holds word numbers from it): when `full`, its owner starts a new one.
 * @example new TextCuts().cut('createPayment').parts.length // 9: createpayment, create and payment, each [number, start, end]
 */
export class TextCuts {
  readonly #texts = new Map<string, CutText>();
  /**
   * Per document object, its texts' cuts: a held document (document-words.ts) is the same object in every ranking,
   * and looking each of its five texts up by content was a tenth of a new word's ranking.
   */
  readonly #documents = new WeakMap<SearchDocument, DocumentCuts>();
  readonly #numbers = new Map<string, number>();
  readonly #words: string[] = [];
  /** Per word number: lettersOf the word. */
  readonly #letters: number[] = [];
  #size = 0;

  /** `maxNumbers`: about how many 4-byte units it may hold before it is `full` (smaller in tests). */
  constructor(private readonly maxNumbers = MAX_CUT_NUMBERS) {}

  /** Whether it holds as much as it should: a new TextCuts should take over. */
  get full(): boolean {
    return this.#size > this.maxNumbers;
  }

  /** The lower-case word numbered `number`. */
  word(number: number): string {
    return this.#words[number]!;
  }

  /** The letters (lettersOf) of the word numbered `number`. */
  letters(number: number): number {
    return this.#letters[number]!;
  }

  /** A document's texts cut (each as `cut`), looked up once per document object. */
  document(doc: SearchDocument): DocumentCuts {
    let cuts = this.#documents.get(doc);
    if (!cuts) {
      this.#documents.set(doc, (cuts = { title: this.cut(doc.title), name: this.cut(doc.name), description: this.cut(doc.description), owner: this.cut(doc.owner), body: this.cut(doc.body) }));
      this.#size += DOCUMENT_CUTS_NUMBERS;
    }
    return cuts;
  }

  cut(text: string): CutText {
    let cut = this.#texts.get(text);
    if (!cut) {
      const parts = this.#cutText(text);
      let letters = 0;
      for (let p = 0; p < parts.length; p += 3) letters |= this.#letters[parts[p]!]!;
      cut = { parts, letters, wordCount: wordCount(text) };
      this.#texts.set(text, cut);
      this.#size += cut.parts.length + (text.length >> 1) + 8;
    }
    return cut;
  }

  #cutText(text: string): Int32Array {
    const parts: number[] = [];
    // No function made per text here: the bundle names each one it makes (keepNames), which cost as much as the rest.
    if (!ASCII_ONLY.test(text)) {
      for (const token of text.matchAll(WORD)) this.#cutToken(parts, token[0], token.index);
    } else {
      for (let at = 0; at < text.length; ) {
        const end = asciiWordEnd(text, at);
        if (end > at) this.#cutToken(parts, text.slice(at, end), at);
        at = Math.max(end, at + 1);
      }
    }
    return Int32Array.from(parts);
  }

  /** A text word and, unless it is one camelCase part, each of its parts. */
  #cutToken(parts: number[], token: string, at: number): void {
    this.#cutPart(parts, token, at);
    if (!SINGLE_PART.test(token)) for (const part of camelParts(token)) this.#cutPart(parts, part.word, at + part.at);
  }

  #cutPart(parts: number[], word: string, at: number): void {
    // toLowerCase, not toLocaleLowerCase('en-US'): the same mapping (only Turkish, Azeri and Lithuanian differ), far cheaper.
    const lower = word.toLowerCase();
    let number = this.#numbers.get(lower);
    if (number === undefined) {
      number = this.#words.length;
      this.#numbers.set(lower, number);
      this.#words.push(lower);
      this.#letters.push(lettersOf(lower));
      this.#size += (lower.length >> 1) + 8;
    }
    parts.push(number, at, at + word.length);
  }
}

/** A word: a run of letters and digits. */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A text of ASCII characters only. Most catalog text is: its words are runs of ASCII letters and digits, found
 * by character codes without a regex's match objects, exactly as WORD finds them.
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
