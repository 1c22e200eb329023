import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realWorldDir } from '../../../test/support/real-world.js';
import { keepHit, TextMatcher, type WordHit } from './text-matches.js';
import { TextCuts } from './text-cuts.js';
import { wordsOf } from './search-query.js';
import { wordMatch } from './word-match.js';

/**
 * The matching TextMatcher optimises (texts and words whose letters rule a typed word out skipped, qualities
 * kept per word): every word of the text matched against every typed word, each match kept as TextMatcher does.
 */
function referenceMatches(typed: readonly string[], text: string): Array<WordHit | undefined> {
  const hits: Array<WordHit | undefined> = typed.map(() => undefined);
  if (!text) return hits;
  const cuts = new TextCuts();
  const { parts } = cuts.cut(text);
  for (let p = 0; p < parts.length; p += 3) {
    for (let i = 0; i < typed.length; i++) keepHit(hits, i, wordMatch(typed[i]!, cuts.word(parts[p]!)), parts[p + 1]!, parts[p + 2]!);
  }
  return hits;
}

/** A seeded generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzéüß0123456789İ日本'];

/** A word as someone might type it: whole, its start, a part of it, or with a typo (dropped, added, changed, swapped). */
function typedFrom(word: string): string {
  const at = Math.floor(next() * word.length);
  switch (Math.floor(next() * 7)) {
    case 0: return word.slice(0, 1 + at);
    case 1: return word.slice(at, at + 3 + Math.floor(next() * 4));
    case 2: return word.slice(0, at) + word.slice(at + 1);
    case 3: return word.slice(0, at) + pick(LETTERS) + word.slice(at);
    case 4: return word.slice(0, at) + pick(LETTERS) + word.slice(at + 1);
    case 5: return word.slice(0, at) + word.slice(at + 1, at + 2) + word.slice(at, at + 1) + word.slice(at + 2);
    default: return word;
  }
}

/** Texts made up of random words, camelCase names, digits and non-ASCII letters. */
function randomText(): string {
  const word = () => Array.from({ length: 1 + Math.floor(next() * 9) }, () => pick(LETTERS)).join('');
  const camel = () => word() + word().replace(/^./, c => c.toUpperCase());
  return Array.from({ length: Math.floor(next() * 12) }, () => (next() < 0.3 ? camel() : word())).join(pick([' ', '-', ', ', '_']));
}

/** Each real-world catalog file's lines, and each file whole (long texts, like bodies). */
function realWorldTexts(): string[] {
  const dir = realWorldDir('catalog');
  if (!dir) return [];
  const files = readdirSync(dir).map(name => readFileSync(join(dir, name), 'utf8'));
  return [...files, ...files.flatMap(file => file.split('\n'))];
}

describe('TextMatcher against every word matched', () => {
  const texts = [...realWorldTexts(), ...Array.from({ length: 400 }, randomText), 'Takes card payments', 'createPayment HTTPServer', 'İstanbul café', ''];
  const words = [...new Set(texts.flatMap(text => wordsOf(text)))];

  it('answers as the reference for typed words from the texts, with typos, starts and parts, and random ones', () => {
    const cuts = new TextCuts();
    let compared = 0;
    for (let search = 0; search < 150; search++) {
      const typed = Array.from({ length: 1 + Math.floor(next() * 3) }, () => (next() < 0.85 ? typedFrom(pick(words)) : pick(LETTERS)));
      // A new TextCuts now and then: texts cut for earlier searches or for this one alike.
      const matcher = new TextMatcher(typed, search % 10 === 0 ? new TextCuts() : cuts);
      for (let t = 0; t < 120; t++) {
        const text = pick(texts);
        expect(matcher.matches(text), `${JSON.stringify(typed)} in ${JSON.stringify(text.slice(0, 200))}`).toEqual(referenceMatches(typed, text));
        compared++;
      }
    }
    expect(compared).toBe(150 * 120);
  });

  it('answers as the reference for texts that hold the typed word, so a text is not skipped by mistake', () => {
    for (const word of words.slice(0, 2000)) {
      const text = texts.find(t => t.toLowerCase().includes(word)) ?? word;
      const typed = [typedFrom(word)];
      expect(new TextMatcher(typed).matches(text), `${typed[0]} in ${text.slice(0, 200)}`).toEqual(referenceMatches(typed, text));
    }
  });
});
