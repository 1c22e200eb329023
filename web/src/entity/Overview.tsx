import { lazy, Suspense } from 'react';
import { sourceLink } from '../lib/sourceLink';
import { Link } from 'react-router-dom';
import type { Entity, IngestionProblem } from '../lib/api';
import { displayName, entityPath, humanRef, parseRef, relationTargets, refOf } from '../lib/refs';
import { Fact, KindBadge, Lifecycle } from '../components/EntityBits';
import { EmptyState, Loading } from '../components/States';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { RELATION_ORDER, RELATION_TITLES } from './relationTypes';

const RelationsGraph = lazy(() => import('./RelationsGraph'));

const KEY_ANNOTATIONS = [
  'backstage.io/source-location',
  'backstage.io/managed-by-location',
  'backstage.io/managed-by-origin-location',
  'backstage.io/techdocs-ref',
  'backstage.io/view-url',
  'backstage.io/edit-url',
  'github.com/project-slug',
  'gitlab.com/project-slug',
  'pagerduty.com/service-id',
  'backstage.io/kubernetes-id',
];

export function Overview({ entity: e, related, problems }: { entity: Entity; related?: Map<string, Entity>; problems?: IngestionProblem[] }) {
  const annotations = e.metadata.annotations ?? {};
  const source = annotations['backstage.io/source-location'] ?? annotations['backstage.io/managed-by-location'];
  const keyAnn = KEY_ANNOTATIONS.filter((k) => annotations[k]);
  const otherAnn = Object.keys(annotations).filter((k) => !KEY_ANNOTATIONS.includes(k)).sort();
  const k = e.kind.toLowerCase();
  const groups = RELATION_ORDER.filter((t) => !(k === 'group' && ['hasMember', 'parentOf', 'childOf', 'ownerOf'].includes(t)) && !(k === 'user' && ['memberOf', 'ownerOf'].includes(t)))
    .map((t) => ({ type: t, refs: relationTargets(e, t) }))
    .filter((g) => g.refs.length > 0);

  return (
    <div className="overview">
      <div className={groups.length === 0 && (k === 'group' || k === 'user') ? 'overview-top' : 'grid-2 overview-top'}>
        <section className="card" aria-labelledby="about-title">
          <h2 id="about-title">About</h2>
          {e.metadata.description ? (
            <p className="description" data-testid="entity-description">
              {e.metadata.description}
            </p>
          ) : (
            <p className="muted">
              No description yet. <Link to={entityPath(refOf(e), 'edit')}>Add one</Link> so people can find this by what it does.
            </p>
          )}
          <dl className="facts">
            <Fact label="Reference" className="mono">{refOf(e)}</Fact>
            {typeof e.spec?.type === 'string' ? (
              <Fact label="Type">{e.spec.type}</Fact>
            ) : null}
            {e.spec?.lifecycle ? (
              <Fact label="Lifecycle">
                <Lifecycle value={e.spec.lifecycle} />
              </Fact>
            ) : null}
            {source ? (
              <Fact label="Source" className="mono small break">
                {(() => {
                  const l = sourceLink(source);
                  return l.href ? (
                    <a href={l.href} target="_blank" rel="noreferrer noopener">
                      {l.text}
                    </a>
                  ) : (
                    l.text
                  );
                })()}
              </Fact>
            ) : null}
            {problems && problems.length > 0 ? (
              <Fact label="Problems">
                <Link to={entityPath(refOf(e), 'problems')} className="warn-text">
                  {problems.length} ingestion {problems.length === 1 ? 'problem' : 'problems'} to fix
                </Link>
              </Fact>
            ) : null}
          </dl>
          {keyAnn.length + otherAnn.length > 0 ? (
            <details className="annotations" open={keyAnn.length > 0}>
              <summary>Annotations ({keyAnn.length + otherAnn.length})</summary>
              <dl className="facts mono small">
                {[...keyAnn, ...otherAnn].map((a) => (
                  <div key={a}>
                    <dt>{a}</dt>
                    <dd className="break">{annotations[a]}</dd>
                  </div>
                ))}
              </dl>
            </details>
          ) : null}
        </section>
        {groups.length === 0 && (k === 'group' || k === 'user') ? null : (
        <section className="card" aria-labelledby="related-title">
          <h2 id="related-title">Relations</h2>
          {groups.length === 0 ? (
            <p className="muted">No relations. Set spec.owner, spec.providesApis, spec.consumesApis or spec.dependsOn to connect this entity.</p>
          ) : (
            <div className="relation-groups">
              {groups.map((g) => (
                <div key={g.type} className="relation-group" data-relation={g.type}>
                  <h3>{RELATION_TITLES[g.type] ?? g.type}</h3>
                  <ul>
                    {g.refs.map((r) => {
                      const rel = related?.get(r.toLowerCase());
                      const pr = parseRef(r);
                      return (
                        <li key={r}>
                          <KindBadge kind={pr.kind} />
                          <Link to={entityPath(pr)}>{rel ? displayName(rel) : humanRef(r)}</Link>
                          {rel && typeof rel.spec?.type === 'string' ? <span className="muted small">{rel.spec.type}</span> : null}
                          {related && !rel ? <span className="warn-text small">not in catalog</span> : null}
                        </li>
                      );
                    })}
                  </ul>
                </div>
              ))}
            </div>
          )}
        </section>
        )}
      </div>
      <section className="card graph-card" aria-labelledby="graph-title">
        <div className="card-head">
          <h2 id="graph-title">Relations graph</h2>
          <span className="muted small">Drag to pan, scroll to zoom, click a node to open it.</span>
        </div>
        {(e.relations ?? []).length === 0 ? (
          <EmptyState title="Nothing to draw: this entity has no relations yet." />
        ) : (
          <ErrorBoundary what="relations graph" resetKey={e}>
            <Suspense fallback={<Loading label="Laying out the graph…" />}>
              <RelationsGraph entity={e} related={related} />
            </Suspense>
          </ErrorBoundary>
        )}
      </section>
    </div>
  );
}
