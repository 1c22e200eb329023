import { Link } from 'react-router-dom';
import { listTemplates, type TemplateSummary } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { humanRef, parseRef, stringifyRef } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { wizardPath } from '../templates/GalleryPage';

/** How many golden paths the card offers before "All golden paths". */
const SHOWN = 5;

/** Golden paths ready to run, the team's own first: where a new piece of software starts. */
export function GoldenPathsCard({ team }: { team: string | null }) {
  const templates = useAsync((signal) => listTemplates(signal), []);
  const runnable = (templates.data?.items ?? []).filter((t) => t.runnable);
  const ordered = [...runnable].sort((a, b) => Number(isOwnedBy(b, team)) - Number(isOwnedBy(a, team)) || a.title.localeCompare(b.title));
  return (
    <section className="card" aria-labelledby="home-golden-paths-title">
      <div className="card-head">
        <h2 id="home-golden-paths-title">Golden paths to start</h2>
        <Link to="/create">All golden paths</Link>
      </div>
      {templates.error ? (
        <ErrorState error={templates.error} onRetry={templates.reload} what="golden paths" />
      ) : !templates.data ? (
        <Loading rows={2} />
      ) : ordered.length === 0 ? (
        <EmptyState title="No golden path is ready to run yet.">
          <p>Your platform team publishes them as templates in the catalog.</p>
        </EmptyState>
      ) : (
        <ul className="golden-path-list">
          {ordered.slice(0, SHOWN).map((t) => (
            <li key={t.ref}>
              <Link to={wizardPath(t.ref)}>{t.title}</Link>
              {isOwnedBy(t, team) ? <span className="tag">your team</span> : null}
              {t.description ? <p className="muted small">{t.description}</p> : t.owner ? <p className="muted small">By {humanRef(t.owner, 'group')}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function isOwnedBy(template: TemplateSummary, team: string | null): boolean {
  // Owners are written as people write them (`checkout-team`, `group:default/checkout-team`): compared as refs.
  const canonical = (ref: string) => stringifyRef(parseRef(ref, { kind: 'group' }));
  return Boolean(team && template.owner && canonical(template.owner) === canonical(team));
}
