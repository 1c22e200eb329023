import { useState } from 'react';
import { Link } from 'react-router-dom';
import { getEntitiesByRefs, getFacets, getProblems, queryEntities, search, type Entity } from '../lib/api';
import { useEntityList } from '../lib/entityLists';
import { useAsync, useDebounced, useDocumentTitle } from '../lib/hooks';
import { displayName, entityPath, humanRef, parseRef } from '../lib/refs';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { EntityList } from '../components/EntityList';
import { SearchResultItem } from '../components/SearchResultItem';
import { useMay } from '../lib/useMayDo';
import { AnnouncementsCard } from '../home/AnnouncementsCard';
import { GoldenPathsCard } from '../home/GoldenPathsCard';
import { CustomiseHome } from '../home/CustomiseHome';
import { useHomeLayout } from '../home/useHomeLayout';

const LIST_FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.description', 'spec.type', 'spec.owner', 'spec.lifecycle'];

export default function HomePage() {
  useDocumentTitle(undefined);
  const layout = useHomeLayout();
  return (
    <div className="page home">
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Find anything in your software catalog</h1>
        <p className="muted">Services, APIs, teams, people and docs, searched as you type. Press <kbd>Ctrl</kbd> <kbd>K</kbd> from anywhere.</p>
        <HomeSearch />
        <KindStats />
        <nav className="home-browse" aria-label="Browse">
          <Link to="/apis">API explorer</Link>
          <Link to="/docs">Docs</Link>
          <Link to="/catalog/locations">Locations</Link>
        </nav>
      </section>
      <AnnouncementsCard />
      <CustomiseHome layout={layout} />
      <div className="home-cards">
        {layout.shows('my-team') ? <MyTeam team={layout.team} setTeam={layout.setTeam} /> : null}
        {layout.shows('golden-paths') ? <GoldenPathsCard team={layout.team} /> : null}
        {layout.shows('recently-changed') ? <RecentlyChanged /> : null}
        {layout.shows('starred') ? <RefListCard list="starred" title="Starred" empty="Star an entity from its page (★ Star) to keep it here." /> : null}
        {layout.shows('recent') ? <RefListCard list="recent" title="Recently visited" empty="The entities you open appear here." /> : null}
      </div>
      {layout.shows('problems') ? <Problems /> : null}
    </div>
  );
}

function HomeSearch() {
  const [q, setQ] = useState('');
  const debounced = useDebounced(q.trim(), 120);
  const res = useAsync((signal) => (debounced ? search({ q: debounced, limit: 8 }, signal) : Promise.resolve(undefined)), [debounced]);
  return (
    <div className="home-search">
      <label htmlFor="home-search-input" className="sr-only">
        Search the catalog
      </label>
      <input
        id="home-search-input"
        type="search"
        placeholder="Try a service name, a word from its description, a tag…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoComplete="off"
      />
      {debounced ? (
        <div className="home-search-results" aria-live="polite">
          {res.error ? (
            <ErrorState error={res.error} onRetry={res.reload} what="search results" />
          ) : !res.data ? (
            <Loading rows={2} label="Searching…" />
          ) : res.data.results.length === 0 ? (
            <p className="muted">
              Nothing matches “{debounced}”. Try other words or <Link to="/catalog">browse the catalog</Link>.
            </p>
          ) : (
            <ul className="search-results inline">
              {res.data.results.map((r) => (
                <SearchResultItem key={r.entityRef} result={r} />
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}

function KindStats() {
  const facets = useAsync((signal) => getFacets(['kind'], {}, signal), []);
  const kinds = facets.data?.facets.kind ?? [];
  if (facets.error || kinds.length === 0) return null;
  return (
    <ul className="kind-stats" aria-label="Entities by kind">
      {[...kinds]
        .sort((a, b) => b.count - a.count)
        .map((k) => (
          <li key={k.value}>
            <Link to={`/catalog?kind=${encodeURIComponent(k.value.toLowerCase())}`}>
              <span className="stat-count">{k.count}</span>
              <span className="stat-label">{k.value}</span>
            </Link>
          </li>
        ))}
    </ul>
  );
}

function MyTeam({ team, setTeam }: { team: string | null; setTeam: (team: string | null) => void }) {
  const groups = useAsync(
    (signal) => queryEntities({ filters: { kind: 'group' }, orderField: 'metadata.name,asc', limit: 500, fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'] }, signal),
    [],
  );
  const teamRef = team ? parseRef(team, { kind: 'group' }) : undefined;
  const owned = useAsync(
    (signal) =>
      teamRef
        ? queryEntities(
            {
              filters: { 'relations.ownedBy': `group:${teamRef.namespace}/${teamRef.name}` },
              orderField: 'metadata.name,asc',
              limit: 12,
              fields: LIST_FIELDS,
            },
            signal,
          )
        : Promise.resolve(undefined),
    [team],
  );
  return (
    <section className="card" aria-labelledby="my-team-title">
      <div className="card-head">
        <h2 id="my-team-title">My team’s entities</h2>
        <label className="inline-field">
          <span className="sr-only">My team</span>
          <select value={team ?? ''} onChange={(e) => setTeam(e.target.value || null)} aria-label="My team">
            <option value="">Choose your team…</option>
            {(groups.data?.items ?? []).map((g: Entity) => {
              const ref = `group:${g.metadata.namespace ?? 'default'}/${g.metadata.name}`;
              return (
                <option key={ref} value={ref}>
                  {displayName(g)}
                </option>
              );
            })}
          </select>
        </label>
      </div>
      {!team ? (
        <EmptyState title="Pick your team to see what it owns." icon="◎">
          <p>Your choice is remembered in this browser.</p>
        </EmptyState>
      ) : owned.error ? (
        <ErrorState error={owned.error} onRetry={owned.reload} what="your team’s entities" />
      ) : !owned.data ? (
        <Loading />
      ) : owned.data.items.length === 0 ? (
        <EmptyState title={`${humanRef(team, 'group')} owns nothing yet.`}>
          <p>
            Set <code>spec.owner</code> in an entity’s YAML, or <Link to="/register">register a location</Link>.
          </p>
        </EmptyState>
      ) : (
        <>
          <EntityList entities={owned.data.items} />
          <p className="card-foot">
            <Link to={entityPath(team)}>Open the team page</Link> · {owned.data.totalItems} entities in all
          </p>
        </>
      )}
    </section>
  );
}

function RecentlyChanged() {
  const mayRegister = useMay('catalog.location.create');
  const recent = useAsync(
    (signal) =>
      queryEntities({ orderField: 'metadata.updatedAt,desc', limit: 8, fields: LIST_FIELDS }, signal)
        .then((r) => ({ ...r, byName: false }))
        .catch(async () => ({ ...(await queryEntities({ orderField: 'metadata.name,asc', limit: 8, fields: LIST_FIELDS }, signal)), byName: true })),
    [],
  );
  return (
    <section className="card" aria-labelledby="recent-title">
      <div className="card-head">
        <h2 id="recent-title">Recently changed</h2>
        <Link to="/catalog">Browse all</Link>
      </div>
      {recent.error ? (
        <ErrorState error={recent.error} onRetry={recent.reload} what="recent changes" />
      ) : !recent.data ? (
        <Loading />
      ) : recent.data.items.length === 0 ? (
        <EmptyState title="The catalog is empty.">
          {mayRegister ? (
            <p>
              <Link to="/register">Register a location</Link> (a catalog-info.yaml file or a repository) to fill it.
            </p>
          ) : (
            <p>Your platform team registers the locations the catalog reads.</p>
          )}
        </EmptyState>
      ) : (
        <>
          {recent.data.byName ? <p className="muted small">This server cannot sort by change time; showing entities by name.</p> : null}
          <EntityList entities={recent.data.items} showOwner />
        </>
      )}
    </section>
  );
}

/** A card of the entities in one of this browser's lists (starred, recently visited) that still exist and may be read. */
function RefListCard({ list, title, empty }: { list: 'starred' | 'recent'; title: string; empty: string }) {
  const refs = useEntityList(list);
  const key = refs.join(' ');
  const entities = useAsync((signal) => getEntitiesByRefs([...refs], LIST_FIELDS, signal), [key]);
  // Distinct from the other cards' heading ids ("Recently changed" is recent-title).
  const id = `home-${list}-list-title`;
  return (
    <section className="card" aria-labelledby={id} data-list={list}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
      </div>
      {refs.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : entities.error ? (
        <ErrorState error={entities.error} onRetry={entities.reload} what={title.toLowerCase()} />
      ) : !entities.data ? (
        <Loading rows={2} />
      ) : (
        <EntityList entities={entities.data.items.filter((e): e is Entity => e !== null)} showOwner />
      )}
    </section>
  );
}

function Problems() {
  const problems = useAsync((signal) => getProblems(undefined, signal), []);
  const items = problems.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="problems-title">
      <div className="card-head">
        <h2 id="problems-title">Ingestion problems worth fixing</h2>
        {items.length > 0 ? <span className="count-pill warn">{items.length}</span> : null}
      </div>
      {problems.error ? (
        <ErrorState error={problems.error} onRetry={problems.reload} what="ingestion problems" />
      ) : !problems.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title="No ingestion problems. Every registered file was read cleanly." icon="✓" />
      ) : (
        <ProblemTable items={items.slice(0, 10)} />
      )}
      {items.length > 10 ? <p className="card-foot muted">Showing 10 of {items.length}. Fix these first; the rest follow the same pattern.</p> : null}
    </section>
  );
}

export function ProblemTable({ items }: { items: import('../lib/api').IngestionProblem[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Where</th>
            <th scope="col">Field</th>
            <th scope="col">Problem</th>
            <th scope="col">Entity</th>
          </tr>
        </thead>
        <tbody>
          {items.map((p, i) => (
            <tr key={i}>
              <td className="mono small">
                {p.source ?? p.target ?? '—'}
                {p.line ? `:${p.line}` : ''}
              </td>
              <td className="mono small">{p.pointer || '(document)'}</td>
              <td>{p.detail}</td>
              <td>{p.entityRef ? <Link to={entityPath(p.entityRef)}>{humanRef(p.entityRef)}</Link> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
