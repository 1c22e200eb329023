import { ENTITY_SECTION, type SearchDocument } from './search-document.js';
import { snippetOf } from './search-snippet.js';
import type { SearchSnippet, SnippetField } from './search-views.js';
import type { TextMatcher, WordHit } from './text-matches.js';

/** How much a match counts by where it is: title > name > description > owner > other fields > docs. */
const WEIGHTS = { title: 8, name: 7, description: 4, owner: 3, fields: 2, docsHeading: 1.5, docs: 1 } as const;

/** Each word matched counts more than any placement of the others: words first, then where. */
const PER_WORD = 100;
/** At most this much for a title or name made of the words alone (`payments` above `payments-api` for "payments"). */
const WHOLE_NAME = 3;

export interface EntityRank {
  score: number;
  matchedWords: number;
  snippet?: SearchSnippet;
}

interface FieldMatch {
  field: SnippetField;
  weight: number;
  text: string;
  hits: ReadonlyArray<WordHit | undefined>;
  docs?: SearchSnippet['docs'];
}

/**
 * Ranks one entity for the typed words from its search documents (its own and its docs sections): for
 * each word, its best match anywhere, weighted by field; the score counts matched words first. The
 * snippet comes from the field (other than title and name, which a result shows anyway) holding the most
 * of the words, with the title or name only when nothing else matched.
 * @example rankEntity(docs, new TextMatcher(['paymnts'])).matchedWords // 1
 */
export function rankEntity(documents: readonly SearchDocument[], matcher: TextMatcher): EntityRank {
  const words = matcher.typed;
  const fields = documents.flatMap((doc): FieldMatch[] => {
    if (doc.section !== ENTITY_SECTION) {
      const [path = '', anchor = ''] = doc.section.slice('docs:'.length).split('#');
      const docs = { path, heading: doc.title, anchor };
      return [
        { field: 'docs' as const, weight: WEIGHTS.docsHeading, text: doc.title, hits: matcher.matches(doc.title), docs },
        { field: 'docs' as const, weight: WEIGHTS.docs, text: doc.body, hits: matcher.matches(doc.body), docs },
      ];
    }
    return [
      ...(['title', 'name', 'description', 'owner'] as const).map(field => ({ field, weight: WEIGHTS[field], text: doc[field], hits: matcher.matches(doc[field]) })),
      { field: 'fields', weight: WEIGHTS.fields, text: doc.body, hits: matcher.matches(doc.body) },
    ];
  });
  let score = 0;
  let matchedWords = 0;
  for (let i = 0; i < words.length; i++) {
    let best = 0;
    for (const f of fields) best = Math.max(best, (f.hits[i]?.quality ?? 0) * f.weight);
    if (best > 0) matchedWords++;
    score += best;
  }
  // How much of a title or name the words make up; one the words miss counts nothing, so its words go uncounted.
  let coverage = 0;
  for (const f of fields) {
    if (f.field !== 'title' && f.field !== 'name') continue;
    const hit = f.hits.filter(Boolean).length;
    if (hit) coverage = Math.max(coverage, Math.min(1, hit / (matcher.wordCount(f.text) || 1)));
  }
  const snippet = bestSnippet(fields);
  return { score: matchedWords * PER_WORD + score + WHOLE_NAME * coverage, matchedWords, ...(snippet ? { snippet } : {}) };
}

function bestSnippet(fields: readonly FieldMatch[]): SearchSnippet | undefined {
  const count = (f: FieldMatch) => f.hits.filter(Boolean).length;
  const quality = (f: FieldMatch) => f.hits.reduce((sum, hit) => sum + (hit?.quality ?? 0), 0) * f.weight;
  const candidates = fields.filter(f => count(f) > 0);
  const shown = candidates.filter(f => f.field !== 'title' && f.field !== 'name');
  const pool = shown.length ? shown : candidates;
  const best = pool.sort((a, b) => count(b) - count(a) || quality(b) - quality(a))[0];
  if (!best) return undefined;
  const spans = best.hits.flatMap(hit => hit?.spans ?? []);
  return snippetOf(best.field, best.text, spans, best.docs);
}
