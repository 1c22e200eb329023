import { Link } from 'react-router-dom';
import type { SearchResult } from '../lib/api';
import { entityPath, humanRef } from '../lib/refs';
import { KindBadge, RefLink } from './EntityBits';
import { Snippet } from './Snippet';

/** Where a result opens: its docs section when the match is there, else its page. */
export function searchResultPath(r: SearchResult): string {
  const ref = { kind: r.kind, namespace: r.namespace, name: r.name };
  const docs = r.snippet?.docs;
  return docs ? `${entityPath(ref, 'docs')}?page=${encodeURIComponent(docs.path)}${docs.anchor ? `#${docs.anchor}` : ''}` : entityPath(ref);
}

/** One hit in a search result list: kind, linked title, optionally the ref, the owner, and the matching snippet. */
export function SearchResultItem({ result: r, showRef = false }: { result: SearchResult; showRef?: boolean }) {
  return (
    <li>
      <div className="result-head">
        <KindBadge kind={r.kind} />
        <Link className="result-title" to={searchResultPath(r)}>
          {r.title || r.name}
        </Link>
        {showRef ? <span className="muted small mono">{r.entityRef}</span> : null}
        {r.owner ? (
          <span className="muted small">
            owner <RefLink refStr={r.owner} defaultKind="group" label={humanRef(r.owner, 'group')} />
          </span>
        ) : null}
      </div>
      {r.snippet ? <Snippet className="result-snippet" snippet={r.snippet} /> : r.description ? <div className="result-snippet">{r.description}</div> : null}
    </li>
  );
}
