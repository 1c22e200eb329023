/**
 * How well one typed word matches one word of a text, from 1 (the same word) down: the start of the word
 * (typing in progress), inside it, or within a few typos (Damerau–Levenshtein: one edit from four
 * letters on, two from seven). 0 when it does not match.
 * @example wordMatch('paymnts', 'payments') // 0.5
 */
export function wordMatch(typed: string, word: string): number {
  if (typed === word) return 1;
  if (word.startsWith(typed)) return typed.length >= 2 ? 0.8 : 0.3;
  if (typed.length >= 3 && word.includes(typed)) return 0.6;
  const allowed = typosAllowed(typed);
  if (!allowed) return 0;
  const whole = editDistance(typed, word, allowed);
  if (whole <= allowed) return whole === 1 ? 0.5 : 0.4;
  // A typo in a word still being typed: compare with the word's start of the same length.
  if (word.length > typed.length && editDistance(typed, word.slice(0, typed.length), allowed) <= allowed) return 0.35;
  return 0;
}

/** How many typos (edits) a typed word may have and still match: one from four letters on, two from seven. */
function typosAllowed(typed: string): number {
  return typed.length >= 7 ? 2 : typed.length >= 4 ? 1 : 0;
}

/** The letters a word has, as bits (letterBit); a text's are its words' together (see Letters). */
export function lettersOf(word: string): number {
  let letters = 0;
  for (let i = 0; i < word.length; i++) letters |= letterBit(word.charCodeAt(i));
  return letters;
}

/**
 * A UTF-16 unit's bit: a–z one each, digits three bits shared, anything else (upper case and non-ASCII, rare in
 * lower-cased catalog words) one more. Units sharing a bit are only told apart less often. Thirty bits, so a
 * text's letters stay a small integer (V8 keeps larger ones as heap numbers).
 */
function letterBit(unit: number): number {
  if (unit >= 97 && unit <= 122) return 1 << (unit - 97);
  if (unit >= 48 && unit <= 57) return 1 << (26 + ((unit - 48) % 3));
  return 1 << 29;
}

/**
 * Whether a word whose letters are all among `letters` (lettersOf, or several words' together) may match `typed`
 * at all (wordMatch above 0); false is exact, true only possible. Every match needs all of the typed word's units
 * in the word (the same, its start, inside it) or within its typos (an edit distance to it or its start): each typed unit missing
 * from the word takes its own edit (deleted or replaced; a transposition keeps both units), so a word matches
 * only if at most `typosAllowed` of the typed word's units are missing from it.
 * @example new Letters('payments').mayMatch(lettersOf('billing')) // false: p, a, y, m, e, t and s missing, two allowed
 */
export class Letters {
  readonly #bits: Int32Array;
  readonly #allowed: number;
  /** The typed word's bits together. */
  readonly #mask: number;
  /** Whether no two of its units share a bit: then the units missing are as many as the bits missing. */
  readonly #distinct: boolean;

  constructor(typed: string) {
    this.#bits = Int32Array.from({ length: typed.length }, (_, i) => letterBit(typed.charCodeAt(i)));
    this.#allowed = typosAllowed(typed);
    this.#mask = this.#bits.reduce((mask, bit) => mask | bit, 0);
    this.#distinct = bitCount(this.#mask) === typed.length;
  }

  mayMatch(letters: number): boolean {
    // Each bit missing is at least one unit missing: a count of bits (no loop) answers most words, which lack many.
    const missingBits = bitCount(this.#mask & ~letters);
    if (missingBits > this.#allowed) return false;
    if (this.#distinct) return true;
    let missing = 0;
    for (let i = 0; i < this.#bits.length; i++) if ((this.#bits[i]! & letters) === 0 && ++missing > this.#allowed) return false;
    return true;
  }
}

/** How many bits of a 32-bit integer are set. */
function bitCount(bits: number): number {
  let n = bits - ((bits >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Optimal-string-alignment distance, giving up (answering max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
