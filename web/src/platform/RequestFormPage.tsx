import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, type FieldError } from '../lib/api';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { useAccount } from '../components/Account';
import { FormField } from '../components/FormField';
import { EmptyState, ErrorState, Loading, Spinner } from '../components/States';
import { SchemaForm } from '../components/schema-form/SchemaForm';
import type { Choices } from '../components/schema-form/alternatives';
import { checkPage, defaultsOf, errorsByPointer, orderedProperties, schemaAt, type Errors, type JsonSchema, type Values } from '../components/schema-form/schema';
import { findReferences } from '../../../src/platform/model/references.js';
import { entityPath } from '../lib/refs';
import { applyRequest, capabilityRef, getCapability, listNamespaces, renderRequest, requestPath, type CapabilityWithVersions, type DryRunResult, type RequestDocument } from './platformApi';
import './platform.css';

/** The request form of one capability, generated from its schema, with a dry-run preview. */
export default function RequestFormPage() {
  const { name = '' } = useParams();
  const cap = useAsync((signal) => getCapability(name, signal), [name]);
  const capDoc = cap.data?.capability;
  useDocumentTitle(capDoc ? `Request ${capDoc.metadata.title ?? name}` : 'Request a capability');

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
  if (!cap.data || !capDoc) return <Loading label="Loading capability…" />;
  // Keyed by revision: another capability (or version) starts again from its own defaults.
  return <RequestForm key={`${cap.data.name}@${cap.data.version}`} revision={cap.data} />;
}

function RequestForm({ revision }: { revision: CapabilityWithVersions }) {
  const navigate = useNavigate();
  const { identity } = useAccount();
  const capDoc = revision.capability;
  const api = capDoc.spec.api;
  // The capability's schema as the form reads it (the server validates against the schema itself).
  const schema = api.schema as JsonSchema;

  // Where the caller may request: the server decides (owning teams and rules); the caller's own teams first.
  const namespaces = useAsync((signal) => listNamespaces(signal), []);
  const teams = useMemo(() => {
    const mine = new Set(identity?.groups ?? []);
    const allowed = (namespaces.data?.items ?? []).filter((ns) => ns.mayRequest);
    return [...allowed.filter((ns) => mine.has(ns.owner)), ...allowed.filter((ns) => !mine.has(ns.owner))].map((ns) => ns.namespace);
  }, [namespaces.data, identity]);
  const myTeams = teams.filter((t) => (namespaces.data?.items ?? []).some((ns) => ns.namespace === t && (identity?.groups ?? []).includes(ns.owner)));

  const [namespace, setNamespace] = useState('');
  const [reqName, setReqName] = useState('');
  const [values, setValues] = useState<Values>(() => defaultsOf(schema));
  const [choices, setChoices] = useState<Choices>({});
  const [busy, setBusy] = useState<'preview' | 'request'>();
  const [error, setError] = useState<Error>();
  const [preview, setPreview] = useState<{ key: string; result: DryRunResult }>();
  // After a try the form found mistakes in, it checks again as values change, so each message goes once fixed.
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (!namespace && teams.length) setNamespace(teams[0]!);
  }, [namespace, teams]);

  const doc: RequestDocument = {
    apiVersion: `${api.group}/${api.version}`,
    kind: api.kind,
    metadata: { name: reqName.trim(), namespace },
    spec: values,
  };
  const key = JSON.stringify(doc);
  const fieldErrors: FieldError[] = error instanceof ApiError ? error.problem.errors ?? [] : [];
  const at = (pointer: string) => fieldErrors.filter((e) => e.pointer === pointer);
  // Errors no field shows (the spec as a whole, an array item, metadata the form does not ask for) go under the form.
  const shown = (pointer: string) => pointer === '/metadata/name' || pointer === '/metadata/namespace' || (pointer.startsWith('/spec/') && schemaAt(schema, pointer.slice('/spec'.length)) !== undefined);
  const otherErrors = fieldErrors.filter((e) => !shown(e.pointer));
  const ownErrors = checked ? mistakes(schema, values, choices) : {};

  async function run(kind: 'preview' | 'request') {
    setError(undefined);
    // Mistakes the schema shows (limits, lengths, patterns, required fields) are said before anything is sent.
    if (Object.keys(mistakes(schema, values, choices)).length) {
      setChecked(true);
      return;
    }
    setBusy(kind);
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
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run('request');
          }}
        >
          <div className="field-row">
            <FormField id="req-namespace" label="Team" hint={`The request lives in its team's namespace${myTeams.length ? ' (your teams)' : ''}.`} errors={at('/metadata/namespace')}>
              {(p) =>
                teams.length ? (
                  <select {...p} value={namespace} onChange={(e) => setNamespace(e.target.value)}>
                    {teams.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...p} type="text" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
                )
              }
            </FormField>
            <FormField id="req-name" label="Request name" errors={at('/metadata/name')}>
              {(p) => <input {...p} type="text" required placeholder={`e.g. orders-${capDoc.metadata.name}`} value={reqName} onChange={(e) => setReqName(e.target.value)} />}
            </FormField>
          </div>
          {orderedProperties(schema).length ? (
            <SchemaForm schema={schema} values={values} onChange={setValues} errors={Object.keys(ownErrors).length ? ownErrors : errorsByPointer(fieldErrors)} base="/spec" choices={{ values: choices, onChange: setChoices }} />
          ) : (
            <p className="muted">This capability takes no settings.</p>
          )}
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

/** What the schema finds wrong in the values before sending; a `${requests.…}` reference is checked once resolved, as the server does. */
function mistakes(schema: JsonSchema, values: Values, choices: Choices): Errors {
  const references = new Set(findReferences(values).map((r) => r.pointer));
  return Object.fromEntries(Object.entries(checkPage(schema, values, { base: '/spec', choices })).filter(([pointer]) => !references.has(pointer)));
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
