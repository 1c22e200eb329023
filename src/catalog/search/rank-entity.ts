import { ENTITY_SECTION, type SearchDocument } from './search-document.js';
import { snippetOf } from './search-snippet.js';
import type { SearchSnippet, SnippetField } from './search-views.js';
import type { TextMatcher, WordHit } from './text-matches.js';
import type { CutText } from './text-cuts.js';

/** How much a match counts by where it is: title > name > description > owner > other fields > docs. */
const WEIGHTS = { title: 8, name: 7, description: 4, owner: 3, fields: 2, docsHeading: 1.5, docs: 1 } as const;
/** An entity's own fields matched one by one (its other fields are matched as its body). */
const ENTITY_FIELDS = ['title', 'name', 'description', 'owner'] as const;

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
  cut: CutText;
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
  // Loops, not callbacks: the bundle names each function it makes (keepNames), and this runs ~500 times a search.
  const fields: FieldMatch[] = [];
  for (const doc of documents) {
    const cuts = matcher.cutsOf(doc);
    if (doc.section !== ENTITY_SECTION) {
      const [path = '', anchor = ''] = doc.section.slice('docs:'.length).split('#');
      const docs = { path, heading: doc.title, anchor };
      fields.push({ field: 'docs', weight: WEIGHTS.docsHeading, text: doc.title, cut: cuts.title, hits: matcher.matchesCut(cuts.title), docs });
      fields.push({ field: 'docs', weight: WEIGHTS.docs, text: doc.body, cut: cuts.body, hits: matcher.matchesCut(cuts.body), docs });
      continue;
    }
    for (const field of ENTITY_FIELDS) fields.push({ field, weight: WEIGHTS[field], text: doc[field], cut: cuts[field], hits: matcher.matchesCut(cuts[field]) });
    fields.push({ field: 'fields', weight: WEIGHTS.fields, text: doc.body, cut: cuts.body, hits: matcher.matchesCut(cuts.body) });
  }
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
    const hit = hitCount(f);
    if (hit) coverage = Math.max(coverage, Math.min(1, hit / (f.cut.wordCount || 1)));
  }
  const snippet = bestSnippet(fields);
  return { score: matchedWords * PER_WORD + score + WHOLE_NAME * coverage, matchedWords, ...(snippet ? { snippet } : {}) };
}

/** The field with the most words matched, then the best matched, the first of equals; fields other than title and name first. */
function bestSnippet(fields: readonly FieldMatch[]): SearchSnippet | undefined {
  let best: FieldMatch | undefined;
  let bestShown = false;
  let bestCount = 0;
  let bestQuality = 0;
  for (const f of fields) {
    const count = hitCount(f);
    if (!count) continue;
    const shown = f.field !== 'title' && f.field !== 'name';
    if (best && bestShown && !shown) continue;
    const quality = qualitySum(f);
    if (!best || (shown && !bestShown) || count > bestCount || (count === bestCount && quality > bestQuality)) {
      best = f;
      bestShown = shown;
      bestCount = count;
      bestQuality = quality;
    }
  }
  if (!best) return undefined;
  const spans: Array<[number, number]> = [];
  for (const hit of best.hits) if (hit) spans.push(...hit.spans);
  return snippetOf(best.field, best.text, spans, best.docs);
}

/** How many typed words a field matched. */
function hitCount(f: FieldMatch): number {
  let count = 0;
  for (const hit of f.hits) if (hit) count++;
  return count;
}

/** The qualities of a field's matches, summed in order, by its weight. */
function qualitySum(f: FieldMatch): number {
  let sum = 0;
  for (const hit of f.hits) sum += hit?.quality ?? 0;
  return sum * f.weight;
}
