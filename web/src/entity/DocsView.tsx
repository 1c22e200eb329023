import { useEffect, useMemo, type MouseEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { getDocsPage, getDocsSite, type DocsNavItem, type Entity } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { entityPath, refOf } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { resolveDocPath, resolveRelativePath } from '../lib/doc-paths';
import { internalLinkTarget, renderMarkdown, type RenderedMarkdown } from '../lib/markdown';

function firstPath(nav: DocsNavItem[]): string | undefined {
  for (const n of nav) {
    if (n.path) return n.path;
    const c = n.children ? firstPath(n.children) : undefined;
    if (c) return c;
  }
  return undefined;
}

/** A docs page's Markdown: links between pages stay in the docs tab, relative images come from the docs folder (served by the server). */
function renderDocsPage(markdown: string, pagePath: string, docsBase: string, assetBase: string): RenderedMarkdown {
  return renderMarkdown(markdown, {
    anchors: true,
    link: (path, hash) => `${docsBase}?page=${encodeURIComponent(resolveDocPath(pagePath, path))}${hash ? `#${hash}` : ''}`,
    image: (path) => ({ src: `${assetBase}?path=${encodeURIComponent(resolveRelativePath(pagePath, path))}` }),
  });
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
  const rendered = useMemo(() => (page.data ? renderDocsPage(page.data.markdown, page.data.path ?? pagePath!, docsBase, assetBase) : undefined), [page.data, pagePath, docsBase, assetBase]);

  const { hash } = useLocation();
  useEffect(() => {
    // Links to a heading on another page land on that heading once the page has rendered.
    if (rendered && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [rendered, hash]);

  const onClick = (ev: MouseEvent<HTMLDivElement>) => {
    const href = internalLinkTarget(ev);
    if (!href) return;
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
      {rendered && rendered.headings.length > 1 ? (
        <nav className="docs-toc" aria-label="On this page">
          <p className="docs-toc-title">On this page</p>
          <ul>
            {rendered.headings.map((t) => (
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
