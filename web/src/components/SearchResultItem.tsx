import { Link } from 'react-router-dom';
import type { SearchResult } from '../lib/api';
import { entityPath } from '../lib/refs';
import { KindBadge } from './EntityBits';
import { Snippet } from './Snippet';

/** One hit in a search result list: kind, linked title, optionally the ref, and the matching snippet. */
export function SearchResultItem({ result: r, showRef = false }: { result: SearchResult; showRef?: boolean }) {
  return (
    <li>
      <div className="result-head">
        <KindBadge kind={r.kind} />
        <Link className="result-title" to={entityPath({ kind: r.kind, namespace: r.namespace, name: r.name })}>
          {r.title || r.name}
        </Link>
        {showRef ? <span className="muted small mono">{r.entityRef}</span> : null}
      </div>
      {r.snippet ? <Snippet className="result-snippet" text={r.snippet} /> : r.description ? <div className="result-snippet">{r.description}</div> : null}
    </li>
  );
}
