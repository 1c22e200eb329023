import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { ApiError, deleteEntity, getLocation, locationOfEntity, refreshEntity, removeLocation, type Entity } from '../lib/api';
import { entityPathOf, refOf } from '../lib/refs';
import { sourceLink } from '../lib/sourceLink';
import { useMayDo } from '../lib/useMayDo';
import { StarButton } from './StarButton';

const ACTIONS = ['catalog.entity.refresh', 'catalog.location.delete', 'catalog.entity.delete'] as const;

/** How an entity leaves the catalog: with the location that produced it, or alone when saved through the API. */
type Removal = { kind: 'location'; id: string; target: string; entityCount: number } | { kind: 'entity' };

/**
 * The entity page's actions menu: refresh it from its source now, copy its reference, view its source file,
 * and unregister it (the whole location it came from, after saying how many entities go with it). Only what
 * the caller may do is offered.
 */
export function EntityActions({ entity, onRefreshed }: { entity: Entity; onRefreshed: () => void }) {
  const ref = refOf(entity);
  const may = useMayDo(ACTIONS, ref);
  const navigate = useNavigate();
  const menu = useRef<HTMLDetailsElement>(null);
  const [removal, setRemoval] = useState<Removal>();
  const [message, setMessage] = useState<{ text: string; failed: boolean }>();
  const annotations = entity.metadata.annotations ?? {};
  const source = sourceLink(annotations['backstage.io/view-url'] ?? annotations['backstage.io/managed-by-location'] ?? '');

  async function run(what: string, action: () => Promise<void>) {
    setMessage(undefined);
    try {
      await action();
    } catch (error) {
      setMessage({ text: `${what} failed: ${(error as Error).message}`, failed: true });
    }
  }

  /** Finds what unregistering would remove before asking, so the question can say it. */
  async function prepareRemoval() {
    await run('Unregister', async () => {
      try {
        const location = await locationOfEntity(entity.kind, entity.metadata.namespace ?? 'default', entity.metadata.name);
        const status = await getLocation(location.id);
        setRemoval({ kind: 'location', id: location.id, target: location.target, entityCount: status.status?.entityCount ?? 1 });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) setRemoval({ kind: 'entity' });
        else throw error;
      }
    });
  }

  const mayRemove = removal?.kind === 'entity' ? may?.['catalog.entity.delete'] : may?.['catalog.location.delete'];
  return (
    <div className="entity-actions">
      <StarButton entityRef={ref} />
      <details className="actions-menu" ref={menu}>
        <summary className="btn small-btn">Actions</summary>
        <div className="actions-menu-items" role="group" aria-label={`Actions on ${ref}`}>
          {may?.['catalog.entity.refresh'] ? (
            <button
              type="button"
              className="btn small-btn"
              onClick={() =>
                run('Refresh', async () => {
                  await refreshEntity(ref);
                  setMessage({ text: 'Refreshed from its source.', failed: false });
                  onRefreshed();
                })
              }
            >
              Refresh
            </button>
          ) : null}
          <CopyButton text={ref} label="Copy entity ref" className="btn small-btn" />
          {source.href ? (
            <a className="btn small-btn" href={source.href} target="_blank" rel="noreferrer noopener">
              View source ↗
            </a>
          ) : (
            <Link className="btn small-btn" to={entityPathOf(entity, 'yaml')}>
              View YAML
            </Link>
          )}
          {may?.['catalog.location.delete'] || may?.['catalog.entity.delete'] ? (
            <button type="button" className="btn small-btn" onClick={() => void prepareRemoval()}>
              Unregister…
            </button>
          ) : null}
        </div>
      </details>
      {removal ? (
        <div className="card unregister-confirm" role="alertdialog" aria-labelledby="unregister-title">
          <h2 id="unregister-title">Unregister {ref}?</h2>
          {removal.kind === 'location' ? (
            <p>
              It comes from the location <span className="mono small break">{removal.target}</span>. Unregistering removes the location and the{' '}
              {removal.entityCount} {removal.entityCount === 1 ? 'entity' : 'entities'} it produced, this one included. The files themselves stay where they are.
            </p>
          ) : (
            <p>It was saved through the API, not read from a location: it is deleted on its own.</p>
          )}
          {mayRemove ? (
            <ConfirmButton
              label="Unregister"
              confirmLabel={removal.kind === 'location' ? `Remove the location and its ${removal.entityCount} entities` : 'Delete this entity'}
              onConfirm={() =>
                run('Unregister', async () => {
                  if (removal.kind === 'location') await removeLocation(removal.id);
                  else await deleteEntity(entity.metadata.uid!);
                  navigate('/catalog');
                })
              }
            />
          ) : (
            <p className="muted">You may not remove it: ask your platform team.</p>
          )}
          <button type="button" className="btn small-btn" onClick={() => setRemoval(undefined)}>
            Cancel
          </button>
        </div>
      ) : null}
      {message ? (
        <p className={message.failed ? 'error-text' : 'success-text'} role={message.failed ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
