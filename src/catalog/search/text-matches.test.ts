import { describe, expect, it } from 'vitest';
import { TextMatcher } from './text-matches.js';
import { TextCuts, wordCount } from './text-cuts.js';
import { wordsOf } from './search-query.js';

/** One text's matches by a matcher made for it alone. */
const textMatches = (text: string, typed: readonly string[]) => new TextMatcher(typed).matches(text);

/** Texts whose words the ASCII scan and the Unicode regex must cut alike, and a few only the regex reads. */
const TEXTS = [
  'Takes card payments',
  'payments-api v2_beta (createPayment, HTTPServer) 42x',
  '  leading, trailing.  ',
  'café naïve Zürich',
  'İstanbul payments',
  '日本語 payments',
  '',
  '---',
];

describe('textMatches', () => {
  it('finds words, their camelCase parts and their spans in ASCII and Unicode texts alike', () => {
    expect(textMatches('Takes card payments', ['paymnts'])).toEqual([{ quality: 0.5, spans: [[11, 19]] }]);
    expect(textMatches('payments-api v2_beta (createPayment)', ['payment', 'beta'])).toEqual([
      { quality: 1, spans: [[28, 35]] },
      { quality: 1, spans: [[16, 20]] },
    ]);
    expect(textMatches('café payments', ['cafe', 'payments'])).toEqual([{ quality: 0.5, spans: [[0, 4]] }, { quality: 1, spans: [[5, 13]] }]);
    expect(textMatches('', ['payments'])).toEqual([undefined]);
  });

  it('cuts an ASCII text into the words the Unicode path finds', () => {
    const words = ['payments', 'api', 'v2', 'beta', 'create', 'http', 'server', '42x', 'trailing'];
    // A non-ASCII character at the end sends the same text through the Unicode regex.
    for (const text of TEXTS) expect(textMatches(text, words), text).toEqual(textMatches(`${text} é`, [...words]));
  });

  it('answers alike whether texts were cut for an earlier search or not', () => {
    const cuts = new TextCuts();
    for (const text of TEXTS) new TextMatcher(['beta', 'istanbul'], cuts).matches(text);
    const words = ['payments', 'paymnt', 'server', 'zurich', '42'];
    const shared = new TextMatcher(words, cuts);
    for (const text of TEXTS) {
      expect(shared.matches(text), text).toEqual(textMatches(text, words));
      expect(shared.matchesCut(cuts.cut(text)), text).toEqual(textMatches(text, words));
      expect(cuts.cut(text).wordCount, text).toBe(wordsOf(text).length);
    }
  });

  it("cuts a document's texts as each text alone, once per document object", () => {
    const cuts = new TextCuts();
    const doc = { section: '', title: TEXTS[0]!, name: TEXTS[1]!, description: TEXTS[3]!, owner: '', body: TEXTS[5]! };
    const cut = new TextMatcher(['payments'], cuts).cutsOf(doc);
    expect(cut).toEqual({ title: cuts.cut(doc.title), name: cuts.cut(doc.name), description: cuts.cut(doc.description), owner: cuts.cut(''), body: cuts.cut(doc.body) });
    expect(cuts.document(doc)).toBe(cut);
    expect(cuts.document({ ...doc })).not.toBe(cut);
  });

  it('answers the same for the same text within one search', () => {
    const matcher = new TextMatcher(['payments']);
    expect(matcher.matches('Takes card payments')).toBe(matcher.matches('Takes card payments'));
  });
});

describe('wordCount', () => {
  it('counts the words wordsOf finds', () => {
    for (const text of TEXTS) expect(wordCount(text), text).toBe(wordsOf(text).length);
  });
});
