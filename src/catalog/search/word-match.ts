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
  const allowed = typed.length >= 7 ? 2 : typed.length >= 4 ? 1 : 0;
  if (!allowed) return 0;
  const whole = editDistance(typed, word, allowed);
  if (whole <= allowed) return whole === 1 ? 0.5 : 0.4;
  // A typo in a word still being typed: compare with the word's start of the same length.
  if (word.length > typed.length && editDistance(typed, word.slice(0, typed.length), allowed) <= allowed) return 0.35;
  return 0;
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
