import { toggleStar, useEntityList } from '../lib/entityLists';

/** Stars an entity for its home page card, in this browser. */
export function StarButton({ entityRef }: { entityRef: string }) {
  const starred = useEntityList('starred').includes(entityRef);
  return (
    <button type="button" className="btn small-btn star-btn" aria-pressed={starred} onClick={() => toggleStar(entityRef)} title={starred ? 'Remove from your starred entities' : 'Add to your starred entities (kept in this browser)'}>
      <span aria-hidden="true">{starred ? '★' : '☆'}</span> {starred ? 'Starred' : 'Star'}
    </button>
  );
}
