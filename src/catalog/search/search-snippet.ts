import type { SearchSnippet, SnippetField } from './search-views.js';

/** About how many characters of text a snippet shows. */
const SNIPPET_CHARS = 180;

/**
 * A window of `text` around its first highlighted span, cut into plain and matching runs, with "…"
 * where it was cut. Spans are [start, end) offsets into `text`.
 * @example snippetOf('description', 'Takes card payments', [[11, 19]]).parts // [{text:'Takes card ',match:false},{text:'payments',match:true}]
 */
export function snippetOf(field: SnippetField, text: string, spans: ReadonlyArray<readonly [number, number]>, docs?: SearchSnippet['docs']): SearchSnippet {
  const sorted = [...spans].sort(byStart);
  const first = sorted[0]?.[0] ?? 0;
  let from = Math.max(0, first - Math.floor(SNIPPET_CHARS / 3));
  if (from > 0) from = text.lastIndexOf(' ', from) + 1;
  let to = Math.min(text.length, from + SNIPPET_CHARS);
  if (to < text.length) to = Math.max(text.indexOf(' ', to) === -1 ? text.length : text.indexOf(' ', to), first + 1);
  // No function made per call: the bundle names each one it makes (keepNames), and a search makes ~500 snippets.
  const parts: SearchSnippet['parts'] = [];
  if (from > 0) plain(parts, '… ');
  let at = from;
  for (const [start, end] of sorted) {
    if (end <= at || start >= to) continue;
    plain(parts, text.slice(at, Math.max(at, start)));
    parts.push({ text: text.slice(Math.max(at, start), Math.min(end, to)), match: true });
    at = Math.min(end, to);
  }
  plain(parts, text.slice(at, to));
  if (to < text.length) plain(parts, ' …');
  return { field, parts, ...(docs ? { docs } : {}) };
}

const byStart = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0];

/** Adds plain text, joined to the plain run before it. */
function plain(parts: SearchSnippet['parts'], value: string): void {
  if (!value) return;
  const last = parts[parts.length - 1];
  if (last && !last.match) last.text += value;
  else parts.push({ text: value, match: false });
}
