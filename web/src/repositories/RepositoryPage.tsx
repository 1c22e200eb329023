import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { getBlob, getCommit, getDestination, getRepository, getTree, repositoryPath, type DestinationSummary, type RepositorySource, type RepositorySummary, type SourceSummary } from './repositoriesApi';
import { ClonePanel } from './ClonePanel';
import { CommitList } from './CommitList';
import { CommitView } from './CommitView';
import { DestinationPanel } from './DestinationPanel';
import { FileView } from './FileView';
import { ReadmeView } from './ReadmeView';
import { TreeListing } from './TreeListing';
import './repositories.css';

/** The ref picker: every branch and tag, plus the ref shown when it is neither (a commit id). */
function RefPicker({ summary, onPick }: { summary: SourceSummary; onPick: (ref: string) => void }) {
  const current = summary.ref ?? '';
  const known = [...summary.branches, ...summary.tags].includes(current);
  return (
    <label className="repo-ref">
      <span className="small muted">Branch or tag</span>
      <select value={current} onChange={(e) => onPick(e.target.value)}>
        {!known ? <option value={current}>{current.slice(0, 12)}</option> : null}
        {([['Branches', summary.branches], ['Tags', summary.tags]] as const)
          .filter(([, refs]) => refs.length)
          .map(([label, refs]) => (
            <optgroup key={label} label={label}>
              {refs.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
    </label>
  );
}

/** `repo / src / app / file.ts`, each folder a link at the same ref. */
function PathCrumbs({ source, path, refName }: { source: RepositorySource; path: string; refName: string }) {
  const segments = path.split('/');
  return (
    <nav className="repo-crumbs mono" aria-label="Path">
      <Link to={repositoryPath(source, { ref: refName })}>{source.kind === 'hosted' ? source.repo : source.name}</Link>
      {segments.map((segment, i) => {
        const to = segments.slice(0, i + 1).join('/');
        return (
          <span key={to}>
            {' / '}
            {i < segments.length - 1 ? <Link to={repositoryPath(source, { view: 'tree', path: to, ref: refName })}>{segment}</Link> : <span aria-current="page">{segment}</span>}
          </span>
        );
      })}
    </nav>
  );
}

/** The summary of either kind of repository, told apart by its source. */
type Summary = { kind: 'hosted'; summary: RepositorySummary } | { kind: 'destination'; summary: DestinationSummary };

function getSummary(source: RepositorySource, ref: string | undefined, signal: AbortSignal): Promise<Summary> {
  return source.kind === 'hosted'
    ? getRepository(source.owner, source.repo, ref, signal).then((summary) => ({ kind: 'hosted', summary }))
    : getDestination(source.name, ref, signal).then((summary) => ({ kind: 'destination', summary }));
}

/**
 * A repository Pave hosts (`/repositories/:owner/:repo`: files, README, latest commits, clone commands) or a
 * platform destination (`/repositories/-/destination/:name`: what the reader may see of it), with `…/tree/<path>`
 * (a folder), `…/blob/<path>` (a file) and `…/commit/<id>` (a commit), at `?ref=` or the default branch.
 */
export default function RepositoryPage() {
  const { owner = '', repo = '', name, view, '*': rest = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const ref = params.get('ref') ?? undefined;
  const path = rest.replace(/^\/+|\/+$/g, '');
  const mode = view === 'tree' || view === 'blob' || view === 'commit' ? view : view === undefined ? 'home' : undefined;
  const key = name !== undefined ? `destination:${name}` : `hosted:${owner}/${repo}`;
  const source: RepositorySource = name !== undefined ? { kind: 'destination', name } : { kind: 'hosted', owner, repo };
  const title = source.kind === 'hosted' ? `${owner}/${repo}` : name!;
  useDocumentTitle(`${title}${path ? ` · ${path}` : ''}`);

  const summary = useAsync((signal) => getSummary(source, ref, signal), [key, ref]);
  const tree = useAsync((signal) => (mode === 'tree' && path ? getTree(source, path, ref, signal) : Promise.resolve(undefined)), [key, ref, mode, path]);
  const blob = useAsync((signal) => (mode === 'blob' ? getBlob(source, path, ref, signal) : Promise.resolve(undefined)), [key, ref, mode, path]);
  const commit = useAsync((signal) => (mode === 'commit' ? getCommit(source, path, signal) : Promise.resolve(undefined)), [key, mode, path]);

  if (!mode) {
    return (
      <div className="page">
        <EmptyState title="There is no such page of a repository.">
          <p>
            Open the <Link to={repositoryPath(source)}>repository</Link> instead.
          </p>
        </EmptyState>
      </div>
    );
  }
  if (summary.error) {
    return (
      <div className="page">
        {summary.error instanceof ApiError && summary.error.status === 404 ? (
          <EmptyState title={`${source.kind === 'hosted' ? `Pave hosts no repository ${title}` : `There is no destination ${title}`}${ref ? ` with a ref ${ref}` : ''}.`}>
            <p>
              See the <Link to="/repositories">repositories Pave hosts</Link>; golden paths in <Link to="/create">Create</Link> make new ones.
            </p>
          </EmptyState>
        ) : (
          <ErrorState error={summary.error} onRetry={summary.reload} what="the repository" />
        )}
      </div>
    );
  }
  if (!summary.data) return <div className="page"><Loading label="Loading repository…" /></div>;
  const s: SourceSummary = summary.data.summary;
  const hosted = summary.data.kind === 'hosted' ? summary.data.summary : undefined;
  const destination = summary.data.kind === 'destination' ? summary.data.summary : undefined;

  const refName = s.ref ?? '';
  const pick = (picked: string) => navigate(repositoryPath(source, { ...(mode === 'home' || mode === 'commit' ? {} : { view: mode, path }), ref: picked }));
  const sub = mode === 'tree' ? (path ? tree : undefined) : mode === 'blob' ? blob : mode === 'commit' ? commit : undefined;
  const what = mode === 'blob' ? 'file' : mode === 'commit' ? 'commit' : 'folder';

  return (
    <div className="page repo-page" data-repository={s.name}>
      <div className="page-head">
        <div>
          <p className="small muted">
            <Link to="/repositories">Repositories</Link> / {source.kind === 'hosted' ? owner : 'destinations'}
          </p>
          <h1>{mode === 'home' ? s.name : <Link to={repositoryPath(source, { ref: ref })}>{s.name}</Link>}</h1>
          {hosted?.description ? <p className="muted" data-testid="repo-description">{hosted.description}</p> : null}
        </div>
        {s.ref ? <RefPicker summary={s} onPick={pick} /> : null}
      </div>

      {destination && !destination.browsable ? (
        <section className="card" data-testid="remote-destination">
          <EmptyState title={`Destination ${destination.name} lives in a remote repository, which Pave does not show.`}>
            {destination.webUrl ? (
              <p>
                Open it <a href={destination.webUrl} target="_blank" rel="noreferrer">where it is hosted</a>.
              </p>
            ) : null}
          </EmptyState>
        </section>
      ) : !s.ref ? (
        <section className="card">
          <EmptyState title="This repository has no commits yet.">
            <p>{destination ? 'Pave commits here once a request is placed on this destination.' : 'Push to it from the machine Pave runs on, or run a golden path that publishes here.'}</p>
          </EmptyState>
        </section>
      ) : (
        <div className="repo-layout">
          <div className="repo-main">
            {mode === 'tree' || mode === 'blob' ? <PathCrumbs source={source} path={path} refName={refName} /> : null}
            {sub?.error ? (
              sub.error instanceof ApiError && (sub.error.status === 404 || sub.error.status === 400) ? (
                <EmptyState title={mode === 'commit' ? `No commit ${path.slice(0, 12)} here.` : `No ${what} ${path} at ${refName}.`}>
                  <p>{sub.error.problem.detail}</p>
                </EmptyState>
              ) : (
                <ErrorState error={sub.error} onRetry={sub.reload} what={path} />
              )
            ) : mode === 'commit' ? (
              commit.data ? <CommitView source={source} commit={commit.data} /> : <Loading label="Loading commit…" />
            ) : mode === 'blob' ? (
              blob.data ? <FileView blob={blob.data} /> : <Loading label="Loading file…" />
            ) : (
              (() => {
                const folder = mode === 'tree' && path ? tree.data : s.tree;
                if (!folder) return <Loading label="Loading folder…" />;
                return (
                  <>
                    <section className="card repo-files" aria-labelledby="files-title">
                      <div className="card-head">
                        <h2 id="files-title" className="repo-card-title">
                          Files
                        </h2>
                        {mode === 'home' && s.commits[0] ? (
                          <span className="small muted">
                            Latest: {s.commits[0].subject} <code className="small-code">{s.commits[0].id.slice(0, 12)}</code>
                          </span>
                        ) : null}
                      </div>
                      <TreeListing source={source} refName={refName} path={folder.path} entries={folder.entries} />
                    </section>
                    {folder.readme ? <ReadmeView readme={folder.readme} source={source} refName={refName} /> : null}
                  </>
                );
              })()
            )}
          </div>
          <aside className="repo-side">
            {hosted ? <ClonePanel urls={hosted.urls} name={hosted.name} /> : null}
            {destination ? <DestinationPanel summary={destination} /> : null}
            <section className="card" aria-labelledby="commits-title">
              <h2 id="commits-title" className="repo-card-title">
                Latest commits on {refName.length > 20 ? refName.slice(0, 12) : refName}
              </h2>
              <CommitList source={source} commits={s.commits} />
            </section>
          </aside>
        </div>
      )}
    </div>
  );
}
