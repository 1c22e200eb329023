import type { Entity } from '../lib/api';
import { KindBadge, Lifecycle } from './EntityBits';
import { Link } from 'react-router-dom';
import { displayName, entityPathOf } from '../lib/refs';

/** A compact list of entities (name, kind, type, description), used in cards. */
export function EntityList({ entities, showOwner }: { entities: Entity[]; showOwner?: boolean }) {
  return (
    <ul className="entity-list">
      {entities.map((e) => (
        <li key={`${e.kind}:${e.metadata.namespace}/${e.metadata.name}`}>
          <div className="entity-list-head">
            <KindBadge kind={e.kind} />
            <Link to={entityPathOf(e)} className="entity-list-name">
              {displayName(e)}
            </Link>
            {typeof e.spec?.type === 'string' ? <span className="muted small">{e.spec.type}</span> : null}
            {e.spec?.lifecycle ? <Lifecycle value={e.spec.lifecycle} /> : null}
            {showOwner && typeof e.spec?.owner === 'string' ? <span className="muted small">owned by {e.spec.owner}</span> : null}
          </div>
          {e.metadata.description ? <p className="entity-list-desc">{e.metadata.description}</p> : null}
        </li>
      ))}
    </ul>
  );
}
