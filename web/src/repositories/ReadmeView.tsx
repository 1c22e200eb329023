import { useMemo, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { marked } from 'marked';
import DOMPurify from 'dompurify';
import { isExternalHref } from '../lib/doc-paths';
import { repositoryPath, type ReadmeView as Readme } from './repositoriesApi';

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Resolves a link written in a file at `from` to a path from the repository root ('' is the root). */
function resolveInRepository(from: string, href: string): string {
  const parts = href.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const segment of href.replace(/^\/+/, '').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(decode(segment));
  }
  return parts.join('/');
}

/**
 * A README rendered as GitHub would: Markdown sanitized with DOMPurify, relative links opening the
 * file or folder they name at the same ref (inside the portal), other links in a new tab, and relative
 * images (which Pave does not serve) shown as a link to the file. Plain-text READMEs stay preformatted.
 */
export function ReadmeView({ readme, owner, repo, refName }: { readme: Readme; owner: string; repo: string; refName: string }) {
  const navigate = useNavigate();
  const markdown = /\.(md|markdown)$/i.test(readme.path);
  const html = useMemo(() => {
    if (!markdown) return '';
    const tpl = document.createElement('template');
    tpl.innerHTML = DOMPurify.sanitize(marked.parse(readme.markdown, { async: false, gfm: true }) as string, { USE_PROFILES: { html: true } });
    tpl.content.querySelectorAll('a[href]').forEach((a) => {
      const href = a.getAttribute('href')!;
      if (href.startsWith('#')) return;
      if (isExternalHref(href)) {
        a.setAttribute('target', '_blank');
        a.setAttribute('rel', 'noreferrer noopener');
        return;
      }
      const [path] = href.split(/[?#]/) as [string];
      const view = path.endsWith('/') ? 'tree' : 'blob';
      a.setAttribute('href', repositoryPath(owner, repo, { view, path: resolveInRepository(readme.path, path), ref: refName }));
      a.setAttribute('data-internal', 'true');
    });
    tpl.content.querySelectorAll('img[src]').forEach((img) => {
      const src = img.getAttribute('src')!;
      if (isExternalHref(src) || src.startsWith('data:')) return;
      const link = document.createElement('a');
      link.setAttribute('href', repositoryPath(owner, repo, { view: 'blob', path: resolveInRepository(readme.path, src.split(/[?#]/)[0]!), ref: refName }));
      link.setAttribute('data-internal', 'true');
      link.textContent = img.getAttribute('alt') || src;
      img.replaceWith(link);
    });
    const div = document.createElement('div');
    div.appendChild(tpl.content.cloneNode(true));
    return div.innerHTML;
  }, [markdown, readme, owner, repo, refName]);

  const onClick = (ev: MouseEvent<HTMLDivElement>) => {
    const a = (ev.target as HTMLElement).closest('a');
    if (!a || a.getAttribute('data-internal') !== 'true' || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    ev.preventDefault();
    navigate(a.getAttribute('href')!);
  };

  return (
    <section className="card repo-readme" aria-labelledby="readme-title" data-testid="repo-readme">
      <h2 id="readme-title" className="repo-card-title">
        {readme.path.split('/').pop()}
      </h2>
      {readme.truncated ? (
        <p className="muted">This README is too large to show here.</p>
      ) : markdown ? (
        <div className="markdown" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />
      ) : (
        <pre className="code">{readme.markdown}</pre>
      )}
    </section>
  );
}
