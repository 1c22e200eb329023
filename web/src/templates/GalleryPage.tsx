import { Link } from 'react-router-dom';
import { listTemplates } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { parseRef, humanRef } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import './templates.css';

export function wizardPath(ref: string): string {
  const r = parseRef(ref, { kind: 'template' });
  return `/create/templates/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}`;
}

export default function GalleryPage() {
  useDocumentTitle('Create something new');
  const templates = useAsync((signal) => listTemplates(signal), []);
  return (
    <div className="page tpl-gallery">
      <div className="page-head">
        <div>
          <h1>Create something new</h1>
          <p className="muted">Golden paths: pick a template, answer a few questions, and Pave creates the repository and registers it in the catalog.</p>
        </div>
        <div className="tpl-head-links">
          <Link className="btn" to="/create/tasks">
            Tasks
          </Link>
          <Link className="btn" to="/create/upgrades">
            Upgrades
          </Link>
          <Link className="btn" to="/create/actions">
            Installed actions
          </Link>
          {templates.data?.items.some((t) => t.featureFlags.length) ? (
            <Link className="btn" to="/settings/feature-flags">
              Feature flags
            </Link>
          ) : null}
        </div>
      </div>
      {templates.error ? (
        <ErrorState error={templates.error} onRetry={templates.reload} what="templates" />
      ) : !templates.data ? (
        <Loading label="Loading templates…" />
      ) : templates.data.items.length === 0 ? (
        <EmptyState title="No templates in the catalog yet.">
          <p>
            Golden paths are <code>kind: Template</code> entities: register a location that holds them on the <Link to="/register">Register</Link> page, or ask your platform team to.
          </p>
        </EmptyState>
      ) : (
        <ul className="tpl-cards">
          {templates.data.items.map((t) => (
            <li key={t.ref} className="card tpl-card" data-template={t.ref}>
              <h2 className="tpl-card-title">
                {t.runnable ? <Link to={wizardPath(t.ref)}>{t.title}</Link> : t.title}
              </h2>
              <p className="muted small">
                {t.type ? <span className="type-pill">{t.type}</span> : null} {t.owner ? <>Owned by {humanRef(t.owner, 'group')}</> : null}
              </p>
              {t.description ? <p className="tpl-desc">{t.description}</p> : null}
              {t.tags.length ? (
                <ul className="tpl-tags" aria-label="Tags">
                  {t.tags.map((tag) => (
                    <li key={tag} className="tag">
                      {tag}
                    </li>
                  ))}
                </ul>
              ) : null}
              {t.problems.length ? (
                <div className="tpl-problems" role="note">
                  <p className="warn-text">
                    <strong>Cannot run:</strong> {t.problems.length} {t.problems.length === 1 ? 'problem' : 'problems'}
                  </p>
                  <ul className="field-errors">
                    {t.problems.map((p, i) => (
                      <li key={i}>
                        {p.pointer ? <span className="mono small">{p.pointer}: </span> : null}
                        {p.detail}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <div className="tpl-card-actions">
                {t.runnable ? (
                  <Link className="btn primary" to={wizardPath(t.ref)} aria-label={`Choose ${t.title}`}>
                    Choose
                  </Link>
                ) : (
                  <button type="button" className="btn" disabled>
                    Choose
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
