import { describe, expect, it } from 'vitest';
import { Letters, lettersOf, wordMatch } from './word-match.js';
import { TextMatcher } from './text-matches.js';
import { parseSearchQuery } from './search-query.js';

describe('wordMatch', () => {
  it('ranks the same word over its start, a part of it, and a typo', () => {
    const qualities = ['payments', 'paym', 'ayment', 'paymnts'].map(typed => wordMatch(typed, 'payments'));
    expect(qualities).toEqual([...qualities].sort((a, b) => b - a));
    expect(new Set(qualities).size).toBe(4);
    expect(Math.min(...qualities)).toBeGreaterThan(0);
  });

  it('forgives one edit from four letters, two from seven, a swap as one, and nothing in shorter words', () => {
    expect(wordMatch('refnd', 'refund')).toBeGreaterThan(0);
    expect(wordMatch('chekcout', 'checkout')).toBeGreaterThan(0);
    expect(wordMatch('kubernets', 'kubernetes')).toBeGreaterThan(0);
    expect(wordMatch('api', 'apt')).toBe(0);
    expect(wordMatch('ledger', 'leader')).toBe(0);
    expect(wordMatch('paymnets', 'payments')).toBe(0.5);
    expect(wordMatch('zzzzzz', 'payments')).toBe(0);
  });
});

describe('Letters', () => {
  it('rules out only words wordMatch gives 0: more of the typed letters missing than typos allowed', () => {
    expect(new Letters('payments').mayMatch(lettersOf('billing'))).toBe(false);
    expect(new Letters('api').mayMatch(lettersOf('apt'))).toBe(false);
    expect(new Letters('paymnts').mayMatch(lettersOf('payments'))).toBe(true);
    expect(new Letters('pazments').mayMatch(lettersOf('payments'))).toBe(true);
    const words = ['payments', 'paymnets', 'refund', 'checkout', 'chekcout', 'kubernetes', 'api', 'apt', 'a', 'ab', 'zürich', 'zurich', 'v2', 'v22', 'x42', 'ledger', 'leader', '日本語', 'i̇stanbul'];
    const typed = words.flatMap(word => [word, word.slice(0, 1), word.slice(0, 3), word.slice(1), `${word}s`, word.replace(/[aeiou]/, 'x')]);
    for (const t of typed) for (const word of words) if (wordMatch(t, word) > 0) expect(new Letters(t).mayMatch(lettersOf(word)), `${t} ${word}`).toBe(true);
  });
});

describe('TextMatcher', () => {
  it('finds words inside camelCase names and says where each match is', () => {
    const text = 'capturePayment refundPayment';
    const [payment, capture] = new TextMatcher(['payment', 'capture']).matches(text);
    expect(payment!.spans.map(([start, end]) => text.slice(start, end))).toEqual(['Payment', 'Payment']);
    expect(capture!.spans.map(([start, end]) => text.slice(start, end))).toEqual(['capture']);
  });

  it('answers the same for every text of one search, words seen before or not, whatever their letters', () => {
    const typed = ['server', 'paymnts', 'v2'];
    const texts = ['HTTPServer Payments v2', 'payments server', 'ab日Server Paymnts', 'SERVER v2api'];
    // One matcher for the whole search remembers each text word's qualities; a fresh one per text starts empty.
    const shared = new TextMatcher(typed);
    const once = texts.map(text => shared.matches(text));
    expect(texts.map(text => new TextMatcher(typed).matches(text))).toEqual(once);
    expect(texts.map(text => shared.matches(text))).toEqual(once);
    expect(once[0]![0]!.spans).toEqual([[4, 10]]);
    expect(once[2]![0]!.spans).toEqual([[3, 9]]);
    expect(once[3]![0]).toEqual({ quality: 1, spans: [[0, 6]] });
  });
});

describe('parseSearchQuery', () => {
  it('drops the words of a question and notices "who owns"', () => {
    expect(parseSearchQuery('Who owns the payments gateway?')).toEqual({ words: ['payments', 'gateway'], asksOwner: true });
    expect(parseSearchQuery('owner of cold-chain')).toEqual({ words: ['cold', 'chain'], asksOwner: true });
    expect(parseSearchQuery('the')).toEqual({ words: ['the'], asksOwner: false });
  });
});
