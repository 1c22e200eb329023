import { describe, expect, it } from 'vitest';
import { TextCuts } from './text-cuts.js';
import type { SearchDocument } from './search-document.js';

describe('TextCuts', () => {
  it('counts the documents whose cuts it keeps toward its bound, even when their texts were all cut before', () => {
    const document = (): SearchDocument => ({ section: '', title: 'Payments gateway', name: 'payments-gateway', description: 'Takes card payments', owner: 'team-a', body: 'stripe adyen' });
    const first = document();
    const cuts = new TextCuts(2_000);
    const cut = cuts.document(first);
    // The same object again: its kept cuts, nothing more held.
    for (let again = 0; again < 1_000; again++) expect(cuts.document(first)).toBe(cut);
    expect(cuts.full).toBe(false);
    // New objects of the same texts: nothing new to cut, but each one's cuts are kept, and the bound is met.
    let documents = 1;
    for (; !cuts.full && documents < 1_000; documents++) expect(cuts.document(document()).title).toBe(cut.title);
    expect(cuts.full).toBe(true);
    expect(documents).toBeLessThan(1_000);
  });
});
