/** One part of a docs page: the text under one heading, up to the next heading. */
export interface DocsSection {
  /** Page path relative to the docs folder, as the docs routes take it. */
  path: string;
  /** The heading's text; the page's first heading (or its path) for text above any heading. */
  heading: string;
  /** The heading's anchor as MkDocs makes it (lower case, spaces to dashes). */
  anchor: string;
  text: string;
}

/** Longest text kept of one section. */
const MAX_SECTION_CHARS = 20_000;

/**
 * Cuts a Markdown page at its ATX headings (`#` … `######`), leaving headings inside fenced code alone.
 * Markup that only decorates (emphasis, backticks, link targets) is dropped from the text.
 * @example docsSections('index.md', '# Shop\nIntro\n## Alerts\nPage the on-call') // two sections
 */
export function docsSections(path: string, markdown: string): DocsSection[] {
  const sections: DocsSection[] = [];
  let heading = '';
  let lines: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    const text = plainText(lines.join('\n')).slice(0, MAX_SECTION_CHARS);
    if (text || heading) sections.push({ path, heading: heading || path, anchor: heading ? anchorOf(heading) : '', text });
    lines = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark) fence = fence === fenceMark ? undefined : (fence ?? fenceMark);
    const title = fence ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (title === undefined) {
      lines.push(line);
      continue;
    }
    flush();
    heading = plainText(title);
  }
  flush();
  return sections;
}

function plainText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_>#|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').trim().replace(/\s+/g, '-');
}
