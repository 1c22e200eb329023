import { lazy, Suspense, useEffect } from 'react';
import { Link, NavLink, useParams } from 'react-router-dom';
import { getEntity, getProblems, type Entity } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { noteVisit } from '../lib/entityLists';
import { displayName, entityPath, ownerRef, refOf, relationTargets } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { Fact, KindBadge, Lifecycle, RefLink, Tag } from '../components/EntityBits';
import { useRelated } from '../entity/useRelated';
import { Overview } from '../entity/Overview';
import { ApiTab } from '../entity/ApiTab';
import { ProblemTable } from './HomePage';
import { YamlView } from '../entity/YamlView';
import { EditForm } from '../entity/EditForm';
import { GroupSections, UserSections } from '../entity/PeopleSections';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { EntityActions } from '../entity/EntityActions';

const DocsView = lazy(() => import('../entity/DocsView'));
const CapabilitySection = lazy(() => import('../platform/CapabilitySection'));
const ScorecardsTab = lazy(() => import('../scorecards/ScorecardsTab'));
const DeliveryTab = lazy(() => import('../delivery/DeliveryTab'));

const TECHDOCS = 'backstage.io/techdocs-ref';

export default function EntityPage() {
  const { namespace = 'default', kind = '', name = '', tab = 'overview' } = useParams();
  const entity = useAsync((signal) => getEntity(kind, namespace, name, signal), [kind, namespace, name]);
  const e = entity.data && entity.data.metadata.name.toLowerCase() === name.toLowerCase() ? entity.data : undefined;
  const related = useRelated(e);
  const ref = e ? refOf(e) : `${kind}:${namespace}/${name}`.toLowerCase();
  const problems = useAsync((signal) => getProblems(ref, signal), [ref]);
  useDocumentTitle(e ? displayName(e) : name);
  useEffect(() => {
    if (e) noteVisit(refOf(e));
  }, [e]);

  if (entity.error) {
    const notFound = 'status' in entity.error && (entity.error as { status: number }).status === 404;
    return (
      <div className="page">
        <h1>{name}</h1>
        {notFound ? (
          <EmptyState title={`No ${kind} named “${name}” in namespace “${namespace}”.`} icon="?">
            <p>
              It may have been renamed or removed. <Link to={`/catalog?q=${encodeURIComponent(name)}`}>Search the catalog for “{name}”</Link> or{' '}
              <Link to="/register">register the location</Link> that defines it.
            </p>
          </EmptyState>
        ) : (
          <ErrorState error={entity.error} onRetry={entity.reload} what="this entity" />
        )}
      </div>
    );
  }
  if (!e) {
    return (
      <div className="page">
        <Loading rows={6} label="Loading entity…" />
      </div>
    );
  }

  const k = e.kind.toLowerCase();
  const hasApis = k === 'api' || relationTargets(e, 'providesApi').length + relationTargets(e, 'consumesApi').length > 0;
  const hasDocs = Boolean(e.metadata.annotations?.[TECHDOCS]);
  const problemCount = problems.data?.items.length ?? 0;
  const tabs: { id: string; label: string; show: boolean; badge?: number }[] = [
    { id: 'overview', label: 'Overview', show: true },
    { id: 'api', label: k === 'api' ? 'Definition' : 'APIs', show: hasApis },
    { id: 'docs', label: 'Docs', show: hasDocs },
    { id: 'scorecards', label: 'Scorecards', show: !['user', 'group', 'location', 'scorecard', 'template'].includes(k) },
    { id: 'delivery', label: 'Delivery', show: k === 'component' || k === 'system' || k === 'group' },
    { id: 'problems', label: 'Problems', show: true, badge: problemCount },
    { id: 'yaml', label: 'YAML', show: true },
    { id: 'edit', label: 'Edit', show: true },
  ];

  return (
    <div className="page entity-page">
      <EntityHeader entity={e} onRefreshed={entity.reload} />
      <nav className="tabs" aria-label="Entity sections">
        {tabs
          .filter((t) => t.show)
          .map((t) => (
            <NavLink key={t.id} to={entityPath(ref, t.id === 'overview' ? undefined : t.id)} end className={({ isActive }) => (isActive || (t.id === 'overview' && tab === 'overview') ? 'active' : '')}>
              {t.label}
              {t.badge ? <span className="count-pill warn" aria-label={`${t.badge} problems`}>{t.badge}</span> : null}
            </NavLink>
          ))}
      </nav>
      <div className="tab-body">
        {tab === 'overview' && (
          <>
            <Overview entity={e} related={related.data} problems={problems.data?.items} />
            {k === 'group' ? <GroupSections entity={e} related={related.data} /> : null}
            {k === 'user' ? <UserSections entity={e} related={related.data} /> : null}
            {k === 'capability' ? (
              <Suspense fallback={<Loading label="Loading capability…" />}>
                <CapabilitySection entity={e} />
              </Suspense>
            ) : null}
          </>
        )}
        {tab === 'api' && <ApiTab entity={e} related={related.data} />}
        {tab === 'docs' &&
          (hasDocs ? (
            <ErrorBoundary what="docs" resetKey={e}>
              <Suspense fallback={<Loading label="Loading docs…" />}>
                <DocsView entity={e} />
              </Suspense>
            </ErrorBoundary>
          ) : (
            <EmptyState title="This entity has no docs yet.">
              <p>
                Add a <code>docs/</code> folder with an <code>mkdocs.yml</code> next to its catalog-info.yaml and the annotation{' '}
                <code>backstage.io/techdocs-ref: dir:.</code>
              </p>
            </EmptyState>
          ))}
        {tab === 'problems' &&
          (problems.error ? (
            <ErrorState error={problems.error} onRetry={problems.reload} what="problems" />
          ) : !problems.data ? (
            <Loading />
          ) : problems.data.items.length === 0 ? (
            <EmptyState title="No ingestion problems for this entity." icon="✓">
              <p>Its definition was read and validated cleanly.</p>
            </EmptyState>
          ) : (
            <section className="card">
              <h2>Ingestion problems</h2>
              <p className="muted">Fix these in the entity’s source file; the catalog picks the change up on its next refresh.</p>
              <ProblemTable items={problems.data.items} />
            </section>
          ))}
        {tab === 'scorecards' && (
          <ErrorBoundary what="scorecards" resetKey={e}>
            <Suspense fallback={<Loading label="Loading scorecards…" />}>
              <ScorecardsTab entity={e} />
            </Suspense>
          </ErrorBoundary>
        )}
        {tab === 'delivery' && (
          <ErrorBoundary what="delivery" resetKey={e}>
            <Suspense fallback={<Loading label="Loading delivery…" />}>
              <DeliveryTab entity={e} />
            </Suspense>
          </ErrorBoundary>
        )}
        {tab === 'yaml' && <YamlView entity={e} />}
        {tab === 'edit' && <EditForm entity={e} onSaved={() => entity.reload()} />}
      </div>
    </div>
  );
}

function EntityHeader({ entity: e, onRefreshed }: { entity: Entity; onRefreshed: () => void }) {
  const owner = ownerRef(e);
  const type = typeof e.spec?.type === 'string' ? e.spec.type : undefined;
  const system = relationTargets(e, 'partOf')[0];
  const links = e.metadata.links ?? [];
  const profile = (e.spec?.profile ?? {}) as { displayName?: string; email?: string; picture?: string };
  return (
    <header className="entity-header">
      <EntityActions entity={e} onRefreshed={onRefreshed} />
      <div className="entity-title-row">
        <KindBadge kind={e.kind} />
        {type ? <span className="type-pill">{type}</span> : null}
        {e.metadata.namespace && e.metadata.namespace !== 'default' ? <span className="muted small">namespace {e.metadata.namespace}</span> : null}
      </div>
      <h1>{displayName(e)}</h1>
      {displayName(e) !== e.metadata.name ? <p className="mono muted small">{e.metadata.name}</p> : null}
      <dl className="header-facts">
        {owner ? (
          <Fact label="Owner">
            <RefLink refStr={owner} defaultKind="group" />
          </Fact>
        ) : null}
        {system ? (
          <Fact label="System">
            <RefLink refStr={system} defaultKind="system" />
          </Fact>
        ) : null}
        {e.spec?.lifecycle ? (
          <Fact label="Lifecycle">
            <Lifecycle value={e.spec.lifecycle} />
          </Fact>
        ) : null}
        {profile.email ? (
          <Fact label="Email">
            <a href={`mailto:${profile.email}`}>{profile.email}</a>
          </Fact>
        ) : null}
        {(e.metadata.tags ?? []).length ? (
          <Fact label="Tags" className="tags">
            {(e.metadata.tags ?? []).map((t) => (
              <Tag key={t} tag={t} to={`/catalog?tag=${encodeURIComponent(t)}`} />
            ))}
          </Fact>
        ) : null}
      </dl>
      {links.length ? (
        <ul className="header-links" aria-label="Links">
          {links.map((l) => (
            <li key={l.url}>
              <a href={l.url} target="_blank" rel="noreferrer noopener">
                {l.title || l.url} <span aria-hidden="true">↗</span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </header>
  );
}

