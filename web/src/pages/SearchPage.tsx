import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { search } from '../lib/api';
import { useAsync, useDebounced, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { SearchResultItem } from '../components/SearchResultItem';

export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const debounced = useDebounced(text.trim(), 200);
  useDocumentTitle(q ? `Search: ${q}` : 'Search');
  useEffect(() => {
    if (debounced !== q) setParams(debounced ? { q: debounced } : {}, { replace: true });
  }, [debounced, q, setParams]);
  const res = useAsync((signal) => (q ? search(q, 50, signal) : Promise.resolve(undefined)), [q]);
  return (
    <div className="page">
      <h1>Search</h1>
      <div className="home-search">
        <label htmlFor="search-page-input" className="sr-only">
          Search
        </label>
        <input id="search-page-input" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search the catalog…" autoFocus />
      </div>
      {!q ? (
        <EmptyState title="Type a few words: names, descriptions, owners and tags are all searched." />
      ) : res.error ? (
        <ErrorState error={res.error} onRetry={res.reload} what="search results" />
      ) : !res.data ? (
        <Loading rows={5} />
      ) : res.data.results.length === 0 ? (
        <EmptyState title={`Nothing matches “${q}”.`}>
          <p>
            Try fewer words, or <Link to="/catalog">browse the catalog with filters</Link>.
          </p>
        </EmptyState>
      ) : (
        <ul className="search-results inline card">
          {res.data.results.map((r) => (
            <SearchResultItem key={r.entityRef} result={r} showRef />
          ))}
        </ul>
      )}
    </div>
  );
}
