/**
 * Markdown as the portal shows it (docs pages, READMEs): GitHub-flavoured Markdown through marked,
 * sanitized with DOMPurify, then links and images rewritten. External links open in a new tab, `#`
 * links stay in the page, and relative ones go where the caller says, marked `data-internal` so a
 * click navigates inside the portal (`internalLinkTarget`).
 */
import type { MouseEvent } from 'react';
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { isExternalHref } from './doc-paths';

export interface MarkdownHeading {
  id: string;
  text: string;
  depth: number;
}

export interface RenderedMarkdown {
  html: string;
  /** h2–h4, for a table of contents (with `anchors`). */
  headings: MarkdownHeading[];
}

export interface MarkdownOptions {
  /** Where a relative link goes in the portal: `path` as written (no query or hash) and its `#hash`, if any. */
  link: (path: string, hash: string | undefined) => string;
  /** A relative image (`path` as written): load it from `src`, or show a link to the file (`href`) in its place. */
  image: (path: string) => { src: string } | { href: string };
  /** Give headings ids (slugs of their text), so `#` links and a table of contents reach them. */
  anchors?: boolean;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s+/g, '-');
}

/** Splits `path?query#hash` into the path and the hash; the query is dropped (nothing the portal serves reads it). */
function splitHref(href: string): { path: string; hash: string | undefined } {
  const hashAt = href.indexOf('#');
  const hash = hashAt === -1 ? undefined : href.slice(hashAt + 1) || undefined;
  return { path: (hashAt === -1 ? href : href.slice(0, hashAt)).split('?')[0]!, hash };
}

/**
 * Renders Markdown to sanitized HTML with the caller's rules for relative links and images.
 * @example renderMarkdown(readme, { link: path => `/repositories/acme/shop/blob/${path}`, image: path => ({ href: path }) })
 */
export function renderMarkdown(markdown: string, options: MarkdownOptions): RenderedMarkdown {
  const tpl = document.createElement('template');
  tpl.innerHTML = DOMPurify.sanitize(marked.parse(markdown, { async: false, gfm: true }) as string, { USE_PROFILES: { html: true } });
  const headings: MarkdownHeading[] = [];
  if (options.anchors) {
    const seen = new Map<string, number>();
    tpl.content.querySelectorAll('h1,h2,h3,h4').forEach((h) => {
      let id = slug(h.textContent ?? '') || 'section';
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      if (n) id = `${id}-${n}`;
      h.id = id;
      if (h.tagName !== 'H1') headings.push({ id, text: h.textContent ?? '', depth: Number(h.tagName[1]) });
    });
  }
  tpl.content.querySelectorAll('a[href]').forEach((a) => {
    const href = a.getAttribute('href')!;
    if (isExternalHref(href)) {
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noreferrer noopener');
      return;
    }
    if (href.startsWith('#')) return;
    const { path, hash } = splitHref(href);
    a.setAttribute('href', options.link(path, hash));
    a.setAttribute('data-internal', 'true');
  });
  tpl.content.querySelectorAll('img[src]').forEach((img) => {
    const src = img.getAttribute('src')!;
    if (isExternalHref(src) || src.startsWith('data:')) return;
    const target = options.image(splitHref(src).path);
    if ('src' in target) {
      img.setAttribute('src', target.src);
      img.setAttribute('loading', 'lazy');
      return;
    }
    const link = document.createElement('a');
    link.setAttribute('href', target.href);
    link.setAttribute('data-internal', 'true');
    link.textContent = img.getAttribute('alt') || src;
    img.replaceWith(link);
  });
  tpl.content.querySelectorAll('table').forEach((t) => {
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    t.replaceWith(wrap);
    wrap.appendChild(t);
  });
  const div = document.createElement('div');
  div.appendChild(tpl.content.cloneNode(true));
  return { html: div.innerHTML, headings };
}

/**
 * The portal address of a plain left click on a `data-internal` link in rendered Markdown (the click's
 * default is prevented, so the caller navigates); undefined for anything else, which the browser handles.
 */
export function internalLinkTarget(ev: MouseEvent<HTMLElement>): string | undefined {
  const a = (ev.target as HTMLElement).closest('a');
  if (!a || a.getAttribute('data-internal') !== 'true' || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return undefined;
  ev.preventDefault();
  return a.getAttribute('href') ?? undefined;
}
