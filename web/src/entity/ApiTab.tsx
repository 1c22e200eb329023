import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Entity } from '../lib/api';
import { displayName, entityPath, humanRef, parseRef, relationTargets } from '../lib/refs';
import { EmptyState, Loading } from '../components/States';
import { Lifecycle } from '../components/EntityBits';
import { ErrorBoundary } from '../components/ErrorBoundary';

const OpenApiView = lazy(() => import('../api-docs/OpenApiView'));
const AsyncApiView = lazy(() => import('../api-docs/AsyncApiView'));
const GraphqlView = lazy(() => import('../api-docs/GraphqlView'));

export function ApiTab({ entity, related }: { entity: Entity; related?: Map<string, Entity> }) {
  if (entity.kind.toLowerCase() === 'api') return <ApiDefinition entity={entity} />;
  const provided = relationTargets(entity, 'providesApi');
  const consumed = relationTargets(entity, 'consumesApi');
  return (
    <div className="grid-2">
      <ApiList title="Provided APIs" refs={provided} related={related} empty="This entity provides no API. List them in spec.providesApis." />
      <ApiList title="Consumed APIs" refs={consumed} related={related} empty="This entity consumes no API. List them in spec.consumesApis." />
    </div>
  );
}

function ApiList({ title, refs, related, empty }: { title: string; refs: string[]; related?: Map<string, Entity>; empty: string }) {
  return (
    <section className="card">
      <h2>{title}</h2>
      {refs.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="entity-list">
          {refs.map((r) => {
            const e = related?.get(r.toLowerCase());
            return (
              <li key={r}>
                <div className="entity-list-head">
                  <span className="type-pill">{e && typeof e.spec?.type === 'string' ? e.spec.type : 'api'}</span>
                  <Link to={entityPath(parseRef(r), 'api')} className="entity-list-name">
                    {e ? displayName(e) : humanRef(r)}
                  </Link>
                  {e?.spec?.lifecycle ? <Lifecycle value={e.spec.lifecycle} /> : null}
                </div>
                {e?.metadata.description ? <p className="entity-list-desc">{e.metadata.description}</p> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** Renders an API entity's definition with the renderer for its type, or as text. */
export function ApiDefinition({ entity }: { entity: Entity }) {
  const type = typeof entity.spec?.type === 'string' ? entity.spec.type.toLowerCase() : '';
  const definition = entity.spec?.definition;
  const [raw, setRaw] = useState(false);
  if (typeof definition !== 'string' || !definition.trim()) {
    return (
      <EmptyState title="This API has no definition.">
        <p>
          Put the definition in <code>spec.definition</code>, inline or as <code>$text: ./openapi.yaml</code>.
        </p>
      </EmptyState>
    );
  }
  const known = ['openapi', 'asyncapi', 'graphql'].includes(type);
  return (
    <section className="card api-definition" aria-label="API definition">
      <div className="card-head">
        <h2>
          {type ? <span className="type-pill">{type}</span> : null} Definition
        </h2>
        {known ? (
          <div className="segmented" role="group" aria-label="View">
            <button type="button" aria-pressed={!raw} onClick={() => setRaw(false)}>
              Rendered
            </button>
            <button type="button" aria-pressed={raw} onClick={() => setRaw(true)}>
              Source
            </button>
          </div>
        ) : null}
      </div>
      {raw || !known ? (
        <pre className="code" tabIndex={0} aria-label="API definition source">
          <code>{definition}</code>
        </pre>
      ) : (
        <ErrorBoundary what={`${type} definition`} resetKey={definition}>
          <Suspense fallback={<Loading label={`Loading the ${type} renderer…`} />}>
            {type === 'openapi' && <OpenApiView definition={definition} />}
            {type === 'asyncapi' && <AsyncApiView definition={definition} />}
            {type === 'graphql' && <GraphqlView definition={definition} />}
          </Suspense>
        </ErrorBoundary>
      )}
    </section>
  );
}
