import { badRequest } from '../../core/problem.js';

/** The most words one search looks for. */
export const MAX_SEARCH_WORDS = 16;

/** Words that say how a person asks, not what they look for; dropped unless nothing else is left. */
const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'for', 'how', 'in', 'is', 'me', 'of', 'on', 'or', 'our', 'the', 'to', 'what', 'where', 'which', 'who', 'with']);

/** "who owns payments", "owner of payments", "who is responsible for payments", "who maintains payments". */
const OWNER_QUESTION = /^\s*(?:who\s+(?:owns|maintains|runs|is\s+responsible\s+for)|owners?\s+of)\s+(.+)$/i;

export interface SearchQuery {
  words: string[];
  /** The person asks who owns what the words find. */
  asksOwner: boolean;
}

/**
 * Reads what a person typed: its words (lower case, letters and digits), less the stop words, and
 * whether it asks for an owner. Too many words is a 400 naming `q`.
 * @example parseSearchQuery('Who owns payments?') // { words: ['payments'], asksOwner: true }
 */
export function parseSearchQuery(text: string): SearchQuery {
  const question = OWNER_QUESTION.exec(text);
  const all = wordsOf(question ? question[1]! : text);
  // Each word is one more set of trigrams to look up: far more than a person types costs the database.
  if (all.length > MAX_SEARCH_WORDS) {
    throw badRequest(`The search has ${all.length} words; at most ${MAX_SEARCH_WORDS} are looked for`, [{ pointer: '/q', detail: `must have at most ${MAX_SEARCH_WORDS} words`, rule: 'maxWords' }]);
  }
  const meaningful = all.filter(word => !STOP_WORDS.has(word));
  return { words: [...new Set(meaningful.length ? meaningful : all)], asksOwner: Boolean(question) };
}

/** Lower-case words of a text (letters and digits; diacritics kept). */
export function wordsOf(text: string): string[] {
  return text.toLocaleLowerCase('en-US').match(/[\p{L}\p{N}]+/gu) ?? [];
}
