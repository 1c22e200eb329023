import { useEffect, useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { search, type SearchResult } from '../lib/api';
import { searchResultPath } from './SearchResultItem';
import { useDebounced } from '../lib/hooks';
import { KindBadge } from './EntityBits';
import { Snippet } from './Snippet';

/** Results shown per kind, and in all. */
const PER_KIND = 4;
const FETCHED = 24;

/** The best results grouped by kind, kinds in the order of their best result. */
function byKind(results: readonly SearchResult[]): Array<{ kind: string; results: SearchResult[] }> {
  const groups = new Map<string, SearchResult[]>();
  for (const r of results) {
    const group = groups.get(r.kind) ?? [];
    if (group.length < PER_KIND) groups.set(r.kind, [...group, r]);
  }
  return [...groups].map(([kind, list]) => ({ kind, results: list }));
}

/** The Ctrl/Cmd-K palette: the best results over the whole catalog, grouped by kind. */
export function SearchDialog({ onClose }: { onClose: () => void }) {
  const [q, setQ] = useState('');
  const debounced = useDebounced(q.trim(), 120);
  const [groups, setGroups] = useState<Array<{ kind: string; results: SearchResult[] }>>([]);
  const [total, setTotal] = useState(0);
  const results = groups.flatMap((g) => g.results);
  const [state, setState] = useState<'idle' | 'loading' | 'done' | 'error'>('idle');
  const [error, setError] = useState<string>();
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(null);
  const navigate = useNavigate();
  const listId = useId();
  const titleId = useId();

  useEffect(() => {
    previousFocus.current = document.activeElement;
    inputRef.current?.focus();
    return () => {
      if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
    };
  }, []);

  useEffect(() => {
    if (!debounced) {
      setGroups([]);
      setState('idle');
      return;
    }
    const ctrl = new AbortController();
    setState('loading');
    search({ q: debounced, limit: FETCHED }, ctrl.signal)
      .then((r) => {
        setGroups(byKind(r.results));
        setTotal(r.total);
        setActive(0);
        setState('done');
      })
      .catch((e: Error) => {
        if (ctrl.signal.aborted) return;
        setError(e.message);
        setState('error');
      });
    return () => ctrl.abort();
  }, [debounced]);

  const open = (r: SearchResult) => {
    onClose();
    navigate(searchResultPath(r));
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, Math.max(results.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = results[active];
      if (r) open(r);
      else if (q.trim()) {
        onClose();
        navigate(`/search?q=${encodeURIComponent(q.trim())}`);
      }
    } else if (e.key === 'Tab') {
      // Keep focus inside the dialog.
      e.preventDefault();
      inputRef.current?.focus();
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal search-modal" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="sr-only">
          Search the catalog
        </h2>
        <div className="search-input-row">
          <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="m13 13 4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <input
            ref={inputRef}
            type="search"
            role="combobox"
            aria-expanded={results.length > 0}
            aria-controls={listId}
            aria-activedescendant={results[active] ? `${listId}-${active}` : undefined}
            aria-autocomplete="list"
            aria-label="Search services, APIs, teams, people and docs"
            placeholder="Search by name, description, owner, tag…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <kbd>Esc</kbd>
        </div>
        <div id={listId} role="listbox" aria-label="Search results" className="search-results">
          {groups.map((g) => (
            <div key={g.kind} role="group" aria-labelledby={`${listId}-kind-${g.kind}`} className="search-group">
              <div id={`${listId}-kind-${g.kind}`} className="search-group-label">
                {g.kind}
              </div>
              {g.results.map((r) => {
                const i = results.indexOf(r);
                return (
                  <div
                    key={r.entityRef}
                    id={`${listId}-${i}`}
                    role="option"
                    aria-selected={i === active}
                    className={i === active ? 'active' : undefined}
                    onMouseEnter={() => setActive(i)}
                    onClick={() => open(r)}
                  >
                    <div className="result-head">
                      <KindBadge kind={r.kind} />
                      <span className="result-title">{r.title || r.name}</span>
                      {r.namespace !== 'default' ? <span className="muted small">{r.namespace}</span> : null}
                    </div>
                    {r.snippet ? (
                      <Snippet className="result-snippet" snippet={r.snippet} />
                    ) : r.description ? (
                      <div className="result-snippet">{r.description}</div>
                    ) : null}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        <div className="search-footer" aria-live="polite">
          {state === 'idle' && <span>Type to search names, descriptions, owners, tags, API operations and docs. Typos are fine.</span>}
          {state === 'loading' && <span>Searching…</span>}
          {state === 'done' && results.length === 0 && (
            <span>
              Nothing matches “{debounced}”. Try fewer or different words, or <a href={`/catalog?q=${encodeURIComponent(debounced)}`}>browse the catalog</a>.
            </span>
          )}
          {state === 'done' && results.length > 0 && (
            <span>
              <kbd>↑</kbd> <kbd>↓</kbd> to move, <kbd>Enter</kbd> to open ·{' '}
              <button type="button" className="linklike" onClick={() => { onClose(); navigate(`/search?q=${encodeURIComponent(debounced)}`); }}>
                all {total} results
              </button>
            </span>
          )}
          {state === 'error' && <span className="error-text">Search failed: {error}. Check the server and try again.</span>}
        </div>
      </div>
    </div>
  );
}
