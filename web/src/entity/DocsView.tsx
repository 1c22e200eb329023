import { useEffect, useMemo, type MouseEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { getDocsPage, getDocsSite, type DocsNavItem, type Entity } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { entityPath, refOf } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { isExternalHref, resolveDocPath } from '../lib/doc-paths';

function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s+/g, '-');
}

function firstPath(nav: DocsNavItem[]): string | undefined {
  for (const n of nav) {
    if (n.path) return n.path;
    const c = n.children ? firstPath(n.children) : undefined;
    if (c) return c;
  }
  return undefined;
}

/** Renders Markdown to sanitized HTML; links between pages become portal links, headings get anchors. */
function renderMarkdown(markdown: string, pagePath: string, docsBase: string, assetBase: string): { html: string; toc: { id: string; text: string; depth: number }[] } {
  const raw = marked.parse(markdown, { async: false, gfm: true }) as string;
  const clean = DOMPurify.sanitize(raw, { USE_PROFILES: { html: true } });
  const tpl = document.createElement('template');
  tpl.innerHTML = clean;
  const toc: { id: string; text: string; depth: number }[] = [];
  const seen = new Map<string, number>();
  tpl.content.querySelectorAll('h1,h2,h3,h4').forEach((h) => {
    let id = slug(h.textContent ?? '') || 'section';
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n) id = `${id}-${n}`;
    h.id = id;
    if (h.tagName !== 'H1') toc.push({ id, text: h.textContent ?? '', depth: Number(h.tagName[1]) });
  });
  tpl.content.querySelectorAll('a[href]').forEach((a) => {
    const href = a.getAttribute('href')!;
    if (isExternalHref(href)) {
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noreferrer noopener');
      return;
    }
    if (href.startsWith('#')) return;
    const [pathPart, hash] = href.split('#') as [string, string | undefined];
    const target = resolveDocPath(pagePath, pathPart);
    a.setAttribute('href', `${docsBase}?page=${encodeURIComponent(target)}${hash ? `#${hash}` : ''}`);
    a.setAttribute('data-internal', 'true');
  });
  // Relative images are served from the docs folder by the server.
  tpl.content.querySelectorAll('img[src]').forEach((img) => {
    const src = img.getAttribute('src')!;
    if (isExternalHref(src) || src.startsWith('data:')) return;
    const path = resolveDocPath(pagePath, src.split('#')[0]!.split('?')[0]!).replace(/\/index\.md$/, '');
    img.setAttribute('src', `${assetBase}?path=${encodeURIComponent(path)}`);
    img.setAttribute('loading', 'lazy');
  });
  tpl.content.querySelectorAll('table').forEach((t) => {
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    t.replaceWith(wrap);
    wrap.appendChild(t);
  });
  const div = document.createElement('div');
  div.appendChild(tpl.content.cloneNode(true));
  return { html: div.innerHTML, toc };
}

export default function DocsView({ entity }: { entity: Entity }) {
  const kind = entity.kind.toLowerCase();
  const ns = entity.metadata.namespace ?? 'default';
  const name = entity.metadata.name;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const docsBase = entityPath(refOf(entity), 'docs');
  const assetBase = `/api/docs/by-name/${encodeURIComponent(kind)}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/asset`;
  const site = useAsync((signal) => getDocsSite(kind, ns, name, signal), [kind, ns, name]);
  const requested = params.get('page');
  const pagePath = requested ?? (site.data ? (firstPath(site.data.nav) ?? 'index.md') : undefined);
  const page = useAsync((signal) => (pagePath ? getDocsPage(kind, ns, name, pagePath, signal) : Promise.resolve(undefined)), [kind, ns, name, pagePath]);
  const rendered = useMemo(() => (page.data ? renderMarkdown(page.data.markdown, page.data.path ?? pagePath!, docsBase, assetBase) : undefined), [page.data, pagePath, docsBase, assetBase]);

  const { hash } = useLocation();
  useEffect(() => {
    // Links to a heading on another page land on that heading once the page has rendered.
    if (rendered && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [rendered, hash]);

  const onClick = (ev: MouseEvent<HTMLDivElement>) => {
    const a = (ev.target as HTMLElement).closest('a');
    if (!a || a.getAttribute('data-internal') !== 'true' || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    const href = a.getAttribute('href')!;
    navigate(href);
    if (!href.includes('#')) window.scrollTo({ top: 0 });
  };

  if (site.error) {
    const status = (site.error as { status?: number }).status;
    return status === 404 ? (
      <EmptyState title="No docs were found for this entity.">
        <p>
          Its <code>backstage.io/techdocs-ref</code> annotation points to <code>{entity.metadata.annotations?.['backstage.io/techdocs-ref']}</code>; that folder needs an{' '}
          <code>mkdocs.yml</code> and a <code>docs/</code> folder with Markdown files.
        </p>
      </EmptyState>
    ) : (
      <ErrorState error={site.error} onRetry={site.reload} what="the docs" />
    );
  }
  if (!site.data) return <Loading label="Loading docs…" />;

  return (
    <div className="docs-layout">
      <nav className="docs-nav card" aria-label={`${site.data.siteName} pages`}>
        <p className="docs-site-name">{site.data.siteName}</p>
        <NavTree items={site.data.nav} current={pagePath} base={docsBase} />
      </nav>
      <article className="docs-page card" aria-busy={page.loading}>
        {page.error ? (
          (page.error as { status?: number }).status === 404 ? (
            <EmptyState title={`The page “${pagePath}” does not exist.`}>
              <p>
                The link may be out of date. <Link to={docsBase}>Go to the first page</Link>.
              </p>
            </EmptyState>
          ) : (
            <ErrorState error={page.error} onRetry={page.reload} what="this page" />
          )
        ) : !rendered ? (
          <Loading rows={6} label="Loading page…" />
        ) : (
          <div className="markdown" data-testid="docs-content" onClick={onClick} dangerouslySetInnerHTML={{ __html: rendered.html }} />
        )}
      </article>
      {rendered && rendered.toc.length > 1 ? (
        <nav className="docs-toc" aria-label="On this page">
          <p className="docs-toc-title">On this page</p>
          <ul>
            {rendered.toc.map((t) => (
              <li key={t.id} className={`depth-${t.depth}`}>
                <a href={`#${t.id}`}>{t.text}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </div>
  );
}

function NavTree({ items, current, base }: { items: DocsNavItem[]; current?: string; base: string }) {
  return (
    <ul>
      {items.map((n, i) => (
        <li key={`${n.title}-${i}`}>
          {n.path ? (
            <Link to={`${base}?page=${encodeURIComponent(n.path)}`} aria-current={n.path === current ? 'page' : undefined}>
              {n.title}
            </Link>
          ) : (
            <span className="docs-nav-section">{n.title}</span>
          )}
          {n.children?.length ? <NavTree items={n.children} current={current} base={base} /> : null}
        </li>
      ))}
    </ul>
  );
}
