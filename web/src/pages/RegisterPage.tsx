import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, getLocation, listLocations, registerLocation, type LocationPreview, type LocationStatus } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { displayName, entityPathOf } from '../lib/refs';
import { EmptyState, ErrorState, Loading, Spinner } from '../components/States';
import { KindBadge } from '../components/EntityBits';

type LocType = 'url' | 'file';

function guessType(target: string): LocType {
  return /^https?:\/\//i.test(target.trim()) ? 'url' : 'file';
}

export default function RegisterPage() {
  useDocumentTitle('Register a location');
  const [target, setTarget] = useState('');
  const [type, setType] = useState<LocType | 'auto'>('auto');
  const [preview, setPreview] = useState<LocationPreview>();
  const [previewFor, setPreviewFor] = useState<string>();
  const [busy, setBusy] = useState<'preview' | 'register'>();
  const [error, setError] = useState<ApiError | Error>();
  const [registered, setRegistered] = useState<LocationPreview>();
  const locations = useAsync((signal) => listLocations(signal), [registered]);
  const effectiveType: LocType = type === 'auto' ? guessType(target) : type;
  const key = `${effectiveType}:${target.trim()}`;
  const previewCurrent = preview && previewFor === key;

  async function run(dryRun: boolean) {
    setBusy(dryRun ? 'preview' : 'register');
    setError(undefined);
    try {
      const res = await registerLocation(effectiveType, target.trim(), dryRun);
      if (dryRun) {
        setPreview(res);
        setPreviewFor(key);
      } else {
        setRegistered(res);
        setPreview(undefined);
      }
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      if (dryRun) setPreview(undefined);
    } finally {
      setBusy(undefined);
    }
  }

  const previewErrors = preview?.errors ?? [];
  return (
    <div className="page register">
      <div className="page-head">
        <div>
          <h1>Register a location</h1>
          <p className="muted">
            Point Pave at a <code>catalog-info.yaml</code> (a file path on the server, or a URL). Preview what it contains first; nothing is saved until you register.
          </p>
        </div>
      </div>
      <section className="card">
        <form
          className="register-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(true);
          }}
        >
          <div className="field grow">
            <label htmlFor="location-target">Location</label>
            <input
              id="location-target"
              type="text"
              required
              placeholder="https://git.example.com/org/repo/blob/main/catalog-info.yaml or /srv/repos/app/catalog-info.yaml"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              aria-describedby="location-target-hint"
            />
            <p className="hint" id="location-target-hint">
              Detected type: <strong>{effectiveType}</strong>. A folder or a repository URL registers every catalog-info.yaml in it.
            </p>
          </div>
          <div className="field">
            <label htmlFor="location-type">Type</label>
            <select id="location-type" value={type} onChange={(e) => setType(e.target.value as LocType | 'auto')}>
              <option value="auto">Detect</option>
              <option value="url">url</option>
              <option value="file">file</option>
            </select>
          </div>
          <div className="form-actions">
            <button type="submit" className="btn" disabled={!target.trim() || busy !== undefined}>
              {busy === 'preview' ? <Spinner label="Previewing" /> : null} Preview
            </button>
            <button type="button" className="btn primary" disabled={!previewCurrent || busy !== undefined || previewErrors.length > 0 && preview!.entities.length === 0} onClick={() => void run(false)}>
              {busy === 'register' ? <Spinner label="Registering" /> : null} Register
            </button>
          </div>
        </form>
        {!previewCurrent && !registered && !error ? <p className="muted small">Preview first: Register becomes available once the preview shows what will be imported.</p> : null}
        {error ? <ErrorState error={error} /> : null}
        {error instanceof ApiError && error.problem.errors?.length ? <FieldErrorList errors={error.problem.errors} /> : null}
      </section>

      {previewCurrent ? (
        <section className="card preview" aria-labelledby="preview-title" data-testid="location-preview">
          <div className="card-head">
            <h2 id="preview-title">Preview: {preview!.entities.length} {preview!.entities.length === 1 ? 'entity' : 'entities'} found</h2>
            <span className="badge">dry run · nothing saved</span>
          </div>
          {preview!.exists ? <p className="warn-text">This location is already registered; registering refreshes it.</p> : null}
          {previewErrors.length ? <FieldErrorList errors={previewErrors} /> : null}
          {preview!.entities.length === 0 ? (
            <EmptyState title="No entities in this location.">
              <p>Check the path: it should be a catalog-info.yaml, or a folder or repository that contains one.</p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Name</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {preview!.entities.map((e) => (
                    <tr key={`${e.kind}:${e.metadata.namespace}/${e.metadata.name}`}>
                      <td>
                        <KindBadge kind={e.kind} />
                      </td>
                      <td>{displayName(e)}</td>
                      <td>{typeof e.spec?.owner === 'string' ? e.spec.owner : <span className="muted">—</span>}</td>
                      <td>{e.metadata.description ?? <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      {registered ? <Registered result={registered} /> : null}

      <section className="card" aria-labelledby="locations-title">
        <h2 id="locations-title">Registered locations</h2>
        <p className="muted">
          Their state, problems, refresh and removal: <Link to="/catalog/locations">the Locations page</Link>.
        </p>
        {locations.error ? (
          <ErrorState error={locations.error} onRetry={locations.reload} what="locations" />
        ) : !locations.data ? (
          <Loading />
        ) : locations.data.length === 0 ? (
          <EmptyState title="No locations yet." />
        ) : (
          <ul className="location-list">
            {locations.data.map((l) => (
              <li key={l.data.id}>
                <span className="type-pill">{l.data.type}</span> <span className="mono small break">{l.data.target}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function FieldErrorList({ errors }: { errors: { pointer: string; detail: string; source?: string; line?: number }[] }) {
  return (
    <ul className="field-errors block">
      {errors.map((e, i) => (
        <li key={i}>
          {e.source ? (
            <span className="mono small">
              {e.source}
              {e.line ? `:${e.line}` : ''}{' '}
            </span>
          ) : null}
          {e.pointer ? <span className="mono small">{e.pointer}: </span> : null}
          {e.detail}
        </li>
      ))}
    </ul>
  );
}

function Registered({ result }: { result: LocationPreview }) {
  const id = result.location.id;
  const [status, setStatus] = useState<LocationStatus>();
  useEffect(() => {
    if (!id) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const s = await getLocation(id);
        if (stop) return;
        setStatus(s);
        if (s.status && (s.status.state === 'pending' || s.status.state === 'refreshing')) timer = setTimeout(poll, 800);
      } catch {
        if (!stop) timer = setTimeout(poll, 2000);
      }
    };
    void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id]);
  const state = status?.status?.state;
  return (
    <section className="card success" aria-labelledby="registered-title" data-testid="location-registered">
      <h2 id="registered-title">Registered</h2>
      <p>
        <span className="mono small break">{result.location.target}</span> is now a catalog location
        {state ? (
          <>
            {' '}
            · ingestion <strong data-state={state}>{state}</strong>
            {state === 'pending' || state === 'refreshing' ? <Spinner label="Ingesting" /> : null}
          </>
        ) : null}
        .
      </p>
      {status?.status?.errors?.length ? <FieldErrorList errors={status.status.errors} /> : null}
      <ul className="entity-list">
        {result.entities.map((e) => (
          <li key={`${e.kind}:${e.metadata.namespace}/${e.metadata.name}`}>
            <div className="entity-list-head">
              <KindBadge kind={e.kind} />
              <Link to={entityPathOf(e)} className="entity-list-name">
                {displayName(e)}
              </Link>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
