/**
 * A URL's path as decoded segments, or undefined when one cannot name a single path segment: a malformed escape
 * (`%zz`), or a segment that decodes to a `/`, `.` or `..`. Web pages of git hosts are read segment by segment
 * (owner, repository, ref, file); an escaped slash or dot-segment would let two readers of one URL disagree on
 * which repository it names — one resolving `..`, another taking the segments as they stand — and a token is
 * sent on the strength of that answer (SECURITY.md §28).
 * @example urlPathSegments(new URL('https://github.com/acme/a%20b/blob/main/x')) // ['acme', 'a b', 'blob', 'main', 'x']
 */
export function urlPathSegments(url: URL): string[] | undefined {
  const segments: string[] = [];
  for (const raw of url.pathname.split('/').filter(Boolean)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment.includes('/') || segment === '.' || segment === '..') return undefined;
    segments.push(segment);
  }
  return segments;
}
