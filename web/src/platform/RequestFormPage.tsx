import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, queryEntities, type FieldError } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { useAccount } from '../components/Account';
import { EmptyState, ErrorState, Loading, Spinner } from '../components/States';
import { entityPath } from '../lib/refs';
import { applyRequest, capabilityRef, getCapability, renderRequest, requestPath, type DryRunResult, type RequestDocument } from './platformApi';
import { FieldErrors, SchemaFields, errorsAt, fieldPointers, initialDraft, specFromDraft, type Draft } from './SchemaForm';
import './platform.css';

/** `group:default/checkout-team` → `checkout-team` (a team's requests live in the namespace named after it). */
function teamName(ref: string): string {
  return ref.replace(/^group:/i, '').split('/').pop() ?? ref;
}

/** The request form of one capability, generated from its schema, with a dry-run preview. */
export default function RequestFormPage() {
  const { name = '' } = useParams();
  const navigate = useNavigate();
  const { identity } = useAccount();
  const cap = useAsync((signal) => getCapability(name, signal), [name]);
  const capDoc = cap.data?.capability;
  useDocumentTitle(capDoc ? `Request ${capDoc.metadata.title ?? name}` : 'Request a capability');

  // Teams: the signed-in user's groups; without any (e.g. auth off), every Group in the catalog.
  const myTeams = useMemo(() => (identity?.groups ?? []).map(teamName), [identity]);
  const allGroups = useAsync(
    (signal) =>
      myTeams.length ? Promise.resolve([] as string[]) : queryEntities({ filters: { kind: 'group' }, fields: ['metadata.name'], limit: 200 }, signal).then((r) => r.items.map((e) => e.metadata.name)),
    [myTeams.length],
  );
  const teams = myTeams.length ? myTeams : allGroups.data ?? [];

  const [namespace, setNamespace] = useState('');
  const [reqName, setReqName] = useState('');
  const [draft, setDraft] = useState<Draft>({});
  const [busy, setBusy] = useState<'preview' | 'request'>();
  const [error, setError] = useState<Error>();
  const [preview, setPreview] = useState<{ key: string; result: DryRunResult }>();

  useEffect(() => {
    if (capDoc) setDraft(initialDraft(capDoc.spec.api.schema));
  }, [capDoc]);
  useEffect(() => {
    if (!namespace && teams.length) setNamespace(teams[0]!);
  }, [namespace, teams]);

  if (cap.error)
    return (
      <div className="page">
        {cap.error instanceof ApiError && cap.error.status === 404 ? (
          <EmptyState title={`No capability named ${name}.`}>
            <p>
              See what is offered in the <Link to="/platform">marketplace</Link>.
            </p>
          </EmptyState>
        ) : (
          <ErrorState error={cap.error} onRetry={cap.reload} what="capability" />
        )}
      </div>
    );
  if (!capDoc) return <Loading label="Loading capability…" />;

  const api = capDoc.spec.api;
  const doc: RequestDocument = {
    apiVersion: `${api.group}/${api.version}`,
    kind: api.kind,
    metadata: { name: reqName.trim(), namespace },
    spec: specFromDraft(api.schema, draft),
  };
  const key = JSON.stringify(doc);
  const fieldErrors: FieldError[] | undefined = error instanceof ApiError ? error.problem.errors : undefined;
  const shown = new Set(['/metadata/name', '/metadata/namespace', ...fieldPointers(api.schema)]);
  const otherErrors = (fieldErrors ?? []).filter((e) => !shown.has(e.pointer));

  async function run(kind: 'preview' | 'request') {
    setBusy(kind);
    setError(undefined);
    try {
      if (kind === 'preview') setPreview({ key, result: await renderRequest(doc) });
      else {
        const res = await applyRequest(doc);
        navigate(requestPath(res.request.metadata.namespace, res.request.metadata.name));
      }
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      if (kind === 'preview') setPreview(undefined);
    } finally {
      setBusy(undefined);
    }
  }

  const nameErr = errorsAt(fieldErrors, '/metadata/name');
  const nsErr = errorsAt(fieldErrors, '/metadata/namespace');
  const current = preview && preview.key === key ? preview.result : undefined;
  return (
    <div className="page platform-request-form">
      <div className="page-head">
        <div>
          <p className="small muted">
            <Link to="/platform">Platform capabilities</Link> / <Link to={entityPath(capabilityRef(capDoc.metadata.name))}>{capDoc.metadata.name}</Link>
          </p>
          <h1>Request {capDoc.metadata.title ?? capDoc.metadata.name}</h1>
          <p className="muted">
            {capDoc.metadata.description ?? capDoc.spec.description} <span className="mono small">{doc.apiVersion} {api.kind} · v{capDoc.spec.version}</span>
          </p>
        </div>
      </div>
      <section className="card">
        <form
          className="schema-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run('request');
          }}
        >
          <div className="field-row">
            <div className={`field${nsErr.length ? ' invalid' : ''}`}>
              <label htmlFor="req-namespace">Team</label>
              {teams.length ? (
                <select id="req-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} aria-describedby="req-namespace-hint" aria-invalid={nsErr.length > 0 || undefined}>
                  {teams.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              ) : (
                <input id="req-namespace" type="text" value={namespace} onChange={(e) => setNamespace(e.target.value)} aria-describedby="req-namespace-hint" aria-invalid={nsErr.length > 0 || undefined} />
              )}
              <p className="hint" id="req-namespace-hint">
                The request lives in its team&apos;s namespace{myTeams.length ? ' (your teams)' : ''}.
              </p>
              <FieldErrors id="req-namespace-err" errors={nsErr} />
            </div>
            <div className={`field${nameErr.length ? ' invalid' : ''}`}>
              <label htmlFor="req-name">Request name</label>
              <input
                id="req-name"
                type="text"
                required
                placeholder={`e.g. orders-${capDoc.metadata.name}`}
                value={reqName}
                onChange={(e) => setReqName(e.target.value)}
                aria-invalid={nameErr.length > 0 || undefined}
                aria-describedby={nameErr.length ? 'req-name-err' : undefined}
              />
              <FieldErrors id="req-name-err" errors={nameErr} />
            </div>
          </div>
          <SchemaFields schema={api.schema} draft={draft} errors={fieldErrors} onChange={(p, v) => setDraft((d) => ({ ...d, [p]: v }))} />
          <div className="form-actions">
            <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void run('preview')}>
              {busy === 'preview' ? <Spinner label="Previewing" /> : null} Preview
            </button>
            <button type="submit" className="btn primary" disabled={busy !== undefined}>
              {busy === 'request' ? <Spinner label="Requesting" /> : null} Request
            </button>
          </div>
        </form>
        {error ? <ErrorState error={error} /> : null}
        {otherErrors.length ? (
          <ul className="field-errors block">
            {otherErrors.map((e, i) => (
              <li key={i}>
                {e.pointer ? <span className="mono small">{e.pointer}: </span> : null}
                {e.detail}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {current ? <Preview result={current} /> : null}
    </div>
  );
}

function Preview({ result }: { result: DryRunResult }) {
  return (
    <section className="card preview" aria-labelledby="render-title" data-testid="render-preview">
      <div className="card-head">
        <h2 id="render-title">
          Preview: {result.files.length} {result.files.length === 1 ? 'file' : 'files'} would be committed
        </h2>
        <span className="badge">dry run · nothing saved</span>
      </div>
      <p className="small">
        {result.placements.map((p, i) => (
          <span key={i}>
            {i ? '; ' : ''}
            {p.destination ? (
              <>
                destination <strong>{p.destination}</strong>,{' '}
              </>
            ) : (
              'no destination matches yet, '
            )}
            folder <code className="small-code">{p.folder}</code>
          </span>
        ))}
        {result.message ? ` · ${result.message}` : ''}
      </p>
      {result.unresolved.length ? <p className="warn-text">Not yet known (other requests&apos; outputs): {result.unresolved.join(', ')}</p> : null}
      <div className="platform-files">
        {result.files.map((f) => (
          <div key={f.path}>
            <p className="platform-file-path">{f.path}</p>
            <pre className="code" tabIndex={0} aria-label={`Content of ${f.path}`}>
              {f.content}
            </pre>
          </div>
        ))}
      </div>
      {Object.keys(result.outputs).length ? (
        <>
          <h3>Outputs</h3>
          <Outputs outputs={result.outputs} />
        </>
      ) : null}
    </section>
  );
}

export function Outputs({ outputs }: { outputs: Record<string, unknown> }) {
  return (
    <dl className="facts">
      {Object.entries(outputs).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="mono small break">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
