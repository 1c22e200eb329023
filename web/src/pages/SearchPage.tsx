import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { search } from '../lib/api';
import { useAsync, useDebounced, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading, Spinner } from '../components/States';
import { SearchResultItem } from '../components/SearchResultItem';
import { FacetGroup } from '../components/FacetGroup';

const PAGE_SIZE = 20;
const FACETS = [
  { param: 'kind', label: 'Kind' },
  { param: 'type', label: 'Type' },
  { param: 'owner', label: 'Owner' },
  { param: 'lifecycle', label: 'Lifecycle' },
] as const;

/** Search results with their total, filters by kind, type, owner and lifecycle (with counts) and pages; all in the URL. */
export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const selected = Object.fromEntries(FACETS.map((f) => [f.param, params.getAll(f.param)])) as Record<(typeof FACETS)[number]['param'], string[]>;
  const [text, setText] = useState(q);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const activeCount = FACETS.reduce((n, f) => n + selected[f.param].length, 0);
  const debounced = useDebounced(text.trim(), 200);
  useDocumentTitle(q ? `Search: ${q}` : 'Search');
  const update = (change: (p: URLSearchParams) => void, keepPage = false) => {
    const next = new URLSearchParams(params);
    change(next);
    if (!keepPage) next.delete('page');
    setParams(next, { replace: !keepPage });
  };
  useEffect(() => {
    if (debounced !== q) update((p) => (debounced ? p.set('q', debounced) : p.delete('q')));
    // Only typing changes q here; the URL may change it too (back button, a shared link).
  }, [debounced]);
  const key = params.toString();
  const res = useAsync((signal) => (q ? search({ q, ...selected, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal) : Promise.resolve(undefined)), [key]);
  const data = res.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <div className="page">
      <h1>Search</h1>
      <div className="home-search">
        <label htmlFor="search-page-input" className="sr-only">
          Search
        </label>
        <input id="search-page-input" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search the catalog… (typos are fine; try “who owns payments”)" autoFocus />
      </div>
      {!q ? (
        <EmptyState title="Type a few words: names, descriptions, owners, tags, API operations and docs are all searched." />
      ) : res.error ? (
        <ErrorState error={res.error} onRetry={res.reload} what="search results" />
      ) : !data ? (
        <Loading rows={5} />
      ) : (
        <div className="explorer-layout">
          {/* On a narrow screen the filters fold away behind this button, as in the catalog explorer. */}
          <button type="button" className="btn filters-toggle" aria-expanded={filtersOpen} aria-controls="search-filters" onClick={() => setFiltersOpen(!filtersOpen)}>
            {filtersOpen ? 'Hide filters' : `Show filters${activeCount ? ` (${activeCount} active)` : ''}`}
          </button>
          <aside id="search-filters" className={`filters${filtersOpen ? ' open' : ''}`} aria-label="Filter results">
            {FACETS.map((f) => (
              <FacetGroup
                key={f.param}
                label={f.label}
                param={f.param}
                values={data.facets[f.param]}
                selected={selected[f.param]}
                loading={false}
                onToggle={(value, on) =>
                  update((p) => {
                    const rest = p.getAll(f.param).filter((v) => v.toLowerCase() !== value.toLowerCase());
                    p.delete(f.param);
                    for (const v of on ? [...rest, value] : rest) p.append(f.param, v);
                  })
                }
              />
            ))}
          </aside>
          <section aria-label="Search results">
            <p className="muted" role="status">
              {res.loading ? <Spinner /> : null} {data.total.toLocaleString()}
              {data.capped ? '+' : ''} {data.total === 1 ? 'result' : 'results'} for “{q}”{data.capped ? ' (the best ones; add a word or a filter to narrow)' : ''}
            </p>
            {data.results.length === 0 ? (
              <EmptyState title={`Nothing matches “${q}”${data.total === 0 && page === 1 ? '' : ' on this page'}.`}>
                <p>
                  Try fewer words or fewer filters, or <Link to="/catalog">browse the catalog with filters</Link>.
                </p>
              </EmptyState>
            ) : (
              <ul className="search-results inline card search-page-results">
                {data.results.map((r) => (
                  <SearchResultItem key={r.entityRef} result={r} showRef />
                ))}
              </ul>
            )}
            {pages > 1 ? (
              <nav className="pager" aria-label="Pages">
                <span className="muted">
                  Page {page} of {pages}
                </span>
                <button type="button" className="btn" disabled={page <= 1} onClick={() => update((p) => p.set('page', String(page - 1)), true)}>
                  ← Previous
                </button>
                <button type="button" className="btn" disabled={page >= pages} onClick={() => update((p) => p.set('page', String(page + 1)), true)}>
                  Next →
                </button>
              </nav>
            ) : null}
          </section>
        </div>
      )}
    </div>
  );
}
