import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { getFacets, queryEntities, type Facets, type FilterSet } from '../lib/api';
import { useAsync, useDebounced, useDocumentTitle } from '../lib/hooks';
import { displayName, entityPathOf, humanRef } from '../lib/refs';
import { EmptyState, ErrorState, Loading, Spinner } from '../components/States';
import { KindBadge, Lifecycle, RefLink, Tag } from '../components/EntityBits';
import { FacetGroup } from '../components/FacetGroup';
import { useMay } from '../lib/useMayDo';

/** URL parameter ↔ catalog field for each filter. */
type Filter = { param: 'kind' | 'type' | 'owner' | 'lifecycle' | 'namespace' | 'tag' | 'location'; field: string; label: string };
const ALL_FILTERS: readonly Filter[] = [
  { param: 'kind', field: 'kind', label: 'Kind' },
  { param: 'type', field: 'spec.type', label: 'Type' },
  { param: 'owner', field: 'spec.owner', label: 'Owner' },
  { param: 'lifecycle', field: 'spec.lifecycle', label: 'Lifecycle' },
  { param: 'namespace', field: 'metadata.namespace', label: 'Namespace' },
  { param: 'tag', field: 'metadata.tags', label: 'Tags' },
  { param: 'location', field: 'metadata.annotations.backstage.io/managed-by-origin-location', label: 'Location' },
];

const SORTS: Record<string, string> = {
  name: 'metadata.name',
  kind: 'kind',
  type: 'spec.type',
  owner: 'spec.owner',
  lifecycle: 'spec.lifecycle',
};

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'spec.type',
  'spec.owner',
  'spec.lifecycle',
];

const PAGE_SIZES = [25, 50, 100];

/**
 * What one explorer shows: the whole catalog, or a slice of it with its own title (the API explorer, the docs
 * index). `fixed` filters and `exists` fields always apply; `filters` names the facets offered.
 */
export interface ExplorerView {
  title: string;
  intro?: string;
  fixed?: FilterSet;
  exists?: readonly string[];
  filters?: ReadonlyArray<Filter['param']>;
  /** The entity page tab each result opens. */
  tab?: string;
}

const CATALOG: ExplorerView = { title: 'Catalog' };

export default function ExplorerPage({ view = CATALOG }: { view?: ExplorerView }) {
  useDocumentTitle(view.title);
  const FILTERS = view.filters ? ALL_FILTERS.filter((f) => view.filters!.includes(f.param)) : ALL_FILTERS;
  const mayRegister = useMay('catalog.location.create');
  const mayReadLocations = useMay('catalog.location.read');
  const [params, setParams] = useSearchParams();

  const selected = useMemo(() => {
    const s: Record<string, string[]> = {};
    for (const f of FILTERS) s[f.param] = params.getAll(f.param);
    return s;
  }, [params, view]);
  const q = params.get('q') ?? '';
  const sort = params.get('sort') ?? 'name';
  const dir = params.get('dir') === 'desc' ? 'desc' : 'asc';
  const cursor = params.get('cursor') ?? undefined;
  const at = cursor ? Number(params.get('at') ?? '0') || 0 : 0;
  const limit = PAGE_SIZES.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : 25;

  const [text, setText] = useState(q);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const debouncedText = useDebounced(text, 250);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (debouncedText.trim() === q) return;
    update((p) => {
      if (debouncedText.trim()) p.set('q', debouncedText.trim());
      else p.delete('q');
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedText]);

  /** Applies a change to the URL; any change other than paging starts again at the first page. */
  function update(fn: (p: URLSearchParams) => void, keepPage = false) {
    const p = new URLSearchParams(params);
    fn(p);
    if (!keepPage) {
      p.delete('cursor');
      p.delete('at');
    }
    setParams(p, { replace: false });
  }

  const filterSet = (exclude?: string): FilterSet => {
    const fs: FilterSet = { ...view.fixed };
    for (const f of FILTERS) if (f.param !== exclude && selected[f.param]!.length) fs[f.field] = selected[f.param];
    return fs;
  };
  const filterKey = JSON.stringify(selected);

  const result = useAsync(
    async (signal) => ({
      at,
      ...(await queryEntities(
        {
          filters: filterSet(),
          exists: view.exists,
          fullTextFilterTerm: q || undefined,
          fullTextFilterFields: ['metadata.name', 'metadata.title', 'metadata.description'],
          orderField: `${SORTS[sort] ?? 'metadata.name'},${dir}`,
          limit,
          cursor,
          fields: FIELDS,
        },
        signal,
      )),
    }),
    [view, filterKey, q, sort, dir, cursor, limit, at],
  );

  // Facet counts: each active filter's own facet is counted without itself (so other values stay
  // visible and selectable); all other facets share one request with every filter applied.
  const facets = useAsync(
    async (signal) => {
      const active = FILTERS.filter((f) => selected[f.param]!.length);
      const passive = FILTERS.filter((f) => !selected[f.param]!.length);
      const calls: Promise<Facets>[] = [];
      if (passive.length) calls.push(getFacets(passive.map((f) => f.field), filterSet(), signal, view.exists).then((r) => r.facets));
      for (const f of active) calls.push(getFacets([f.field], filterSet(f.param), signal, view.exists).then((r) => r.facets));
      const all = await Promise.all(calls);
      return Object.assign({}, ...all) as Facets;
    },
    [view, filterKey],
  );

  const activeCount = FILTERS.reduce((n, f) => n + selected[f.param]!.length, 0) + (q ? 1 : 0);
  const total = result.data?.totalItems;

  const toggleSort = (key: string) =>
    update((p) => {
      if (sort === key) p.set('dir', dir === 'asc' ? 'desc' : 'asc');
      else {
        p.set('sort', key);
        p.delete('dir');
      }
    });

  return (
    <div className="page explorer">
      <div className="page-head">
        <div>
          <h1>{view.title}</h1>
          {view.intro ? <p>{view.intro}</p> : null}
          <p className="muted" aria-live="polite">
            {total === undefined ? 'Counting…' : `${total.toLocaleString()} ${total === 1 ? 'entity matches' : 'entities match'}`}
            {activeCount ? ` ${activeCount === 1 ? 'this filter' : 'these filters'}` : ''}
          </p>
        </div>
        <div className="row">
          {mayReadLocations ? (
            <Link className="btn" to="/catalog/locations">
              Locations
            </Link>
          ) : null}
          {mayRegister ? (
            <Link className="btn primary" to="/register">
              Register a location
            </Link>
          ) : null}
        </div>
      </div>
      <div className="explorer-layout">
        <button type="button" className="btn filters-toggle" aria-expanded={filtersOpen} aria-controls="explorer-filters" onClick={() => setFiltersOpen(!filtersOpen)}>
          {filtersOpen ? 'Hide filters' : `Show filters${activeCount ? ` (${activeCount} active)` : ''}`}
        </button>
        <aside id="explorer-filters" className={`filters${filtersOpen ? ' open' : ''}`} aria-label="Filters">
          <div className="filter-text">
            <label htmlFor="explorer-text">Filter by text</label>
            <input id="explorer-text" type="search" value={text} placeholder="name, title or description" onChange={(e) => setText(e.target.value)} />
          </div>
          {FILTERS.map((f) => (
            <FacetGroup
              key={f.param}
              label={f.label}
              param={f.param}
              values={facets.data?.[f.field]}
              selected={selected[f.param]!}
              loading={facets.loading && !facets.data}
              onToggle={(value, on) =>
                update((p) => {
                  const cur = p.getAll(f.param).filter((v) => v !== value);
                  p.delete(f.param);
                  for (const v of on ? [...cur, value] : cur) p.append(f.param, v);
                })
              }
            />
          ))}
          {facets.error ? <ErrorState error={facets.error} onRetry={facets.reload} what="filter counts" /> : null}
          {activeCount ? (
            <button type="button" className="btn block" onClick={() => setParams(new URLSearchParams())}>
              Clear all filters
            </button>
          ) : null}
        </aside>
        <section className="results" aria-label="Entities">
          <ActiveFilters filters={FILTERS} selected={selected} q={q} onRemove={(param, value) => update((p) => {
            if (param === 'q') { p.delete('q'); setText(''); return; }
            const cur = p.getAll(param).filter((v) => v !== value);
            p.delete(param);
            cur.forEach((v) => p.append(param, v));
          })} />
          {result.error ? (
            <ErrorState error={result.error} onRetry={result.reload} what="the catalog" />
          ) : !result.data ? (
            <Loading rows={8} label="Loading entities…" />
          ) : result.data.items.length === 0 ? (
            <EmptyState title={activeCount ? 'No entity matches these filters.' : 'The catalog is empty.'}>
              {activeCount ? (
                <p>
                  Remove a filter above, or{' '}
                  <button type="button" className="linklike" onClick={() => setParams(new URLSearchParams())}>
                    clear them all
                  </button>
                  .
                </p>
              ) : mayRegister ? (
                <p>
                  <Link to="/register">Register a location</Link> to import your first catalog-info.yaml.
                </p>
              ) : (
                <p>Your platform team registers the locations the catalog reads.</p>
              )}
            </EmptyState>
          ) : (
            <>
              <div className={`table-wrap${result.loading ? ' is-loading' : ''}`} aria-busy={result.loading}>
                <table className="table entity-table">
                  <caption className="sr-only">Catalog entities, sorted by {sort} {dir === 'asc' ? 'ascending' : 'descending'}</caption>
                  <thead>
                    <tr>
                      <SortHeader label="Name" k="name" sort={sort} dir={dir} onSort={toggleSort} />
                      <SortHeader label="Kind" k="kind" sort={sort} dir={dir} onSort={toggleSort} />
                      <SortHeader label="Type" k="type" sort={sort} dir={dir} onSort={toggleSort} />
                      <SortHeader label="Owner" k="owner" sort={sort} dir={dir} onSort={toggleSort} />
                      <SortHeader label="Lifecycle" k="lifecycle" sort={sort} dir={dir} onSort={toggleSort} />
                      <th scope="col">Tags</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.data.items.map((e) => (
                      <tr key={`${e.kind}:${e.metadata.namespace}/${e.metadata.name}`}>
                        <td className="name-cell">
                          <Link to={entityPathOf(e, view.tab)}>{displayName(e)}</Link>
                          {e.metadata.namespace && e.metadata.namespace !== 'default' ? <span className="muted small"> · {e.metadata.namespace}</span> : null}
                          {e.metadata.description ? <div className="cell-desc">{e.metadata.description}</div> : null}
                        </td>
                        <td>
                          <KindBadge kind={e.kind} />
                        </td>
                        <td>{typeof e.spec?.type === 'string' ? e.spec.type : <span className="muted">—</span>}</td>
                        <td>{typeof e.spec?.owner === 'string' ? <RefLink refStr={e.spec.owner} defaultKind="group" label={humanRef(e.spec.owner, 'group')} /> : <span className="muted">—</span>}</td>
                        <td>
                          <Lifecycle value={e.spec?.lifecycle} />
                        </td>
                        <td>
                          <div className="tags">
                            {(e.metadata.tags ?? []).map((t) => (
                              <Tag key={t} tag={t} to={`/catalog?tag=${encodeURIComponent(t)}`} />
                            ))}
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <nav className="pager" aria-label="Pages">
                <span className="muted">
                  {result.loading ? <Spinner /> : null} Showing {(result.data.at + 1).toLocaleString()}–{(result.data.at + result.data.items.length).toLocaleString()}
                  {total !== undefined ? ` of ${total.toLocaleString()}` : ''}
                </span>
                <label className="inline-field">
                  <span>Per page</span>
                  <select value={limit} onChange={(e) => update((p) => p.set('limit', e.target.value))}>
                    {PAGE_SIZES.map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="button"
                  className="btn"
                  disabled={!result.data.pageInfo.prevCursor}
                  onClick={() =>
                    update((p) => {
                      p.set('cursor', result.data!.pageInfo.prevCursor!);
                      p.set('at', String(Math.max(0, result.data!.at - limit)));
                    }, true)
                  }
                >
                  ← Previous
                </button>
                <button
                  type="button"
                  className="btn"
                  disabled={!result.data.pageInfo.nextCursor}
                  onClick={() =>
                    update((p) => {
                      p.set('cursor', result.data!.pageInfo.nextCursor!);
                      p.set('at', String(result.data!.at + result.data!.items.length));
                    }, true)
                  }
                >
                  Next →
                </button>
              </nav>
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function SortHeader({ label, k, sort, dir, onSort }: { label: string; k: string; sort: string; dir: string; onSort: (k: string) => void }) {
  const active = sort === k;
  return (
    <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort-btn" onClick={() => onSort(k)}>
        {label}
        <span aria-hidden="true" className={`sort-ind${active ? ' on' : ''}`}>
          {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}


function ActiveFilters({ filters, selected, q, onRemove }: { filters: readonly Filter[]; selected: Record<string, string[]>; q: string; onRemove: (param: string, value: string) => void }) {
  const chips: { param: string; label: string; value: string }[] = [];
  if (q) chips.push({ param: 'q', label: 'text', value: q });
  for (const f of filters) for (const v of selected[f.param]!) chips.push({ param: f.param, label: f.label.toLowerCase(), value: v });
  if (!chips.length) return null;
  return (
    <ul className="chips" aria-label="Active filters">
      {chips.map((c) => (
        <li key={`${c.param}=${c.value}`}>
          <span className="chip">
            <span className="muted">{c.label}:</span> {c.value}
            <button type="button" aria-label={`Remove filter ${c.label} ${c.value}`} onClick={() => onRemove(c.param, c.value)}>
              ×
            </button>
          </span>
        </li>
      ))}
    </ul>
  );
}
