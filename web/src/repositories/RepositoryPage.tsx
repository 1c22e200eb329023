import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { getBlob, getRepository, getTree, repositoryPath, type RepositorySummary } from './repositoriesApi';
import { ClonePanel } from './ClonePanel';
import { CommitList } from './CommitList';
import { FileView } from './FileView';
import { ReadmeView } from './ReadmeView';
import { TreeListing } from './TreeListing';
import './repositories.css';

/** The ref picker: every branch and tag, plus the ref shown when it is neither (a commit id). */
function RefPicker({ summary, onPick }: { summary: RepositorySummary; onPick: (ref: string) => void }) {
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
function PathCrumbs({ owner, repo, path, refName }: { owner: string; repo: string; path: string; refName: string }) {
  const segments = path.split('/');
  return (
    <nav className="repo-crumbs mono" aria-label="Path">
      <Link to={repositoryPath(owner, repo, { ref: refName })}>{repo}</Link>
      {segments.map((segment, i) => {
        const to = segments.slice(0, i + 1).join('/');
        return (
          <span key={to}>
            {' / '}
            {i < segments.length - 1 ? <Link to={repositoryPath(owner, repo, { view: 'tree', path: to, ref: refName })}>{segment}</Link> : <span aria-current="page">{segment}</span>}
          </span>
        );
      })}
    </nav>
  );
}

/**
 * A repository Pave hosts: `/repositories/:owner/:repo` (files, README, latest commits, clone
 * commands), `…/tree/<path>` (a folder) and `…/blob/<path>` (a file), at `?ref=` or the default branch.
 */
export default function RepositoryPage() {
  const { owner = '', repo = '', view, '*': rest = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const ref = params.get('ref') ?? undefined;
  const path = rest.replace(/^\/+|\/+$/g, '');
  const mode = view === 'tree' || view === 'blob' ? view : view === undefined ? 'home' : undefined;
  useDocumentTitle(`${owner}/${repo}${path ? ` · ${path}` : ''}`);

  const summary = useAsync((signal) => getRepository(owner, repo, ref, signal), [owner, repo, ref]);
  const tree = useAsync((signal) => (mode === 'tree' && path ? getTree(owner, repo, path, ref, signal) : Promise.resolve(undefined)), [owner, repo, ref, mode, path]);
  const blob = useAsync((signal) => (mode === 'blob' ? getBlob(owner, repo, path, ref, signal) : Promise.resolve(undefined)), [owner, repo, ref, mode, path]);

  if (!mode) {
    return (
      <div className="page">
        <EmptyState title="There is no such page of a repository.">
          <p>
            Open the <Link to={repositoryPath(owner, repo)}>repository</Link> instead.
          </p>
        </EmptyState>
      </div>
    );
  }
  if (summary.error) {
    return (
      <div className="page">
        {summary.error instanceof ApiError && summary.error.status === 404 ? (
          <EmptyState title={`Pave hosts no repository ${owner}/${repo}${ref ? ` with a ref ${ref}` : ''}.`}>
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
  const s = summary.data;
  if (!s) return <div className="page"><Loading label="Loading repository…" /></div>;

  const refName = s.ref ?? '';
  const pick = (picked: string) => navigate(repositoryPath(owner, repo, { ...(mode === 'home' ? {} : { view: mode, path }), ref: picked }));
  const sub = mode === 'tree' ? (path ? tree : undefined) : mode === 'blob' ? blob : undefined;

  return (
    <div className="page repo-page" data-repository={s.name}>
      <div className="page-head">
        <div>
          <p className="small muted">
            <Link to="/repositories">Repositories</Link> / {owner}
          </p>
          <h1>{mode === 'home' ? s.name : <Link to={repositoryPath(owner, repo, { ref: ref })}>{s.name}</Link>}</h1>
          {s.description ? <p className="muted" data-testid="repo-description">{s.description}</p> : null}
        </div>
        {s.ref ? <RefPicker summary={s} onPick={pick} /> : null}
      </div>

      {!s.ref ? (
        <section className="card">
          <EmptyState title="This repository has no commits yet.">
            <p>Push to it from the machine Pave runs on, or run a golden path that publishes here.</p>
          </EmptyState>
        </section>
      ) : (
        <div className="repo-layout">
          <div className="repo-main">
            {mode !== 'home' ? <PathCrumbs owner={owner} repo={repo} path={path} refName={refName} /> : null}
            {sub?.error ? (
              sub.error instanceof ApiError && (sub.error.status === 404 || sub.error.status === 400) ? (
                <EmptyState title={`No ${mode === 'blob' ? 'file' : 'folder'} ${path} at ${refName}.`}>
                  <p>{sub.error.problem.detail}</p>
                </EmptyState>
              ) : (
                <ErrorState error={sub.error} onRetry={sub.reload} what={path} />
              )
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
                      <TreeListing owner={owner} repo={repo} refName={refName} path={folder.path} entries={folder.entries} />
                    </section>
                    {folder.readme ? <ReadmeView readme={folder.readme} owner={owner} repo={repo} refName={refName} /> : null}
                  </>
                );
              })()
            )}
          </div>
          <aside className="repo-side">
            <ClonePanel urls={s.urls} name={s.name} />
            <section className="card" aria-labelledby="commits-title">
              <h2 id="commits-title" className="repo-card-title">
                Latest commits on {refName.length > 20 ? refName.slice(0, 12) : refName}
              </h2>
              <CommitList commits={s.commits} />
            </section>
          </aside>
        </div>
      )}
    </div>
  );
}
