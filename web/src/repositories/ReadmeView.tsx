import { useMemo, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { resolveRelativePath } from '../lib/doc-paths';
import { internalLinkTarget, renderMarkdown } from '../lib/markdown';
import { repositoryPath, type ReadmeView as Readme, type RepositorySource } from './repositoriesApi';

/**
 * A README rendered as GitHub would: Markdown sanitized with DOMPurify, relative links opening the
 * file or folder they name at the same ref (inside the portal), other links in a new tab, and relative
 * images (which Pave does not serve) shown as a link to the file. Plain-text READMEs stay preformatted.
 */
export function ReadmeView({ readme, source, refName }: { readme: Readme; source: RepositorySource; refName: string }) {
  const navigate = useNavigate();
  const markdown = /\.(md|markdown)$/i.test(readme.path);
  const html = useMemo(() => {
    if (!markdown) return '';
    const at = (view: 'tree' | 'blob', path: string) => repositoryPath(source, { view, path: resolveRelativePath(readme.path, path), ref: refName });
    return renderMarkdown(readme.markdown, {
      link: (path) => at(path.endsWith('/') ? 'tree' : 'blob', path),
      image: (path) => ({ href: at('blob', path) }),
    }).html;
  }, [markdown, readme, source, refName]);

  const onClick = (ev: MouseEvent<HTMLDivElement>) => {
    const href = internalLinkTarget(ev);
    if (href) navigate(href);
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
        <pre className="code" tabIndex={0} aria-label="README source">{readme.markdown}</pre>
      )}
    </section>
  );
}
