import { useId } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { humanRef } from '../lib/refs';
import { ScrollTable } from '../components/ScrollTable';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { listCapabilities, listNamespaces, listRequests, requestPath } from './platformApi';
import { REQUEST_PHASES } from '../../../src/platform/model/types.js';
import './platform.css';

/** The team filter's value for "every team I may request for". */
const MY_TEAMS = 'mine';

/**
 * Platform requests the caller may read (their teams', or everyone's for admins: the API decides, request by
 * request), filtered by team, capability and phase. The filters live in the URL, so a view can be shared.
 */
export default function RequestListPage() {
  useDocumentTitle('Platform requests');
  const formId = useId();
  const [params, setParams] = useSearchParams();
  const team = params.get('team') ?? '';
  const capability = params.get('capability') ?? '';
  const phase = params.get('phase') ?? '';
  const namespaces = useAsync((signal) => listNamespaces(signal), []);
  const capabilities = useAsync((signal) => listCapabilities(signal), []);
  // The server filters by namespace and capability; "my teams" and the phase are decided here.
  const requests = useAsync((signal) => listRequests({ ...(team && team !== MY_TEAMS ? { namespace: team } : {}), ...(capability ? { capability } : {}) }, signal), [team, capability]);
  const mine = new Set((namespaces.data?.items ?? []).filter((ns) => ns.mayRequest).map((ns) => ns.namespace));
  const shown = (requests.data?.items ?? []).filter((r) => (team !== MY_TEAMS || mine.has(r.metadata.namespace)) && (!phase || r.status.phase === phase));

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  return (
    <div className="page platform-requests">
      <p className="small muted">
        <Link to="/platform">Platform capabilities</Link> / requests
      </p>
      <div className="page-head">
        <div>
          <h1>Platform requests</h1>
          <p className="muted">What teams requested from the platform: each request's phase, and a link to its conditions, outputs, commits and runs.</p>
        </div>
        <button type="button" className="btn" onClick={requests.reload} disabled={requests.loading}>
          {requests.loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <form className="card platform-request-filters" aria-label="Filter the requests" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={`${formId}-team`}>Team</label>
          <select id={`${formId}-team`} value={team} onChange={(e) => set('team', e.target.value)}>
            <option value="">Any team</option>
            <option value={MY_TEAMS}>My teams</option>
            {(namespaces.data?.items ?? []).map((ns) => (
              <option key={ns.namespace} value={ns.namespace}>
                {ns.namespace}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-capability`}>Capability</label>
          <select id={`${formId}-capability`} value={capability} onChange={(e) => set('capability', e.target.value)}>
            <option value="">Any capability</option>
            {(capabilities.data?.items ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.title ?? c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${formId}-phase`}>Phase</label>
          <select id={`${formId}-phase`} value={phase} onChange={(e) => set('phase', e.target.value)}>
            <option value="">Any phase</option>
            {REQUEST_PHASES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
      </form>
      {requests.error ? (
        <ErrorState error={requests.error} onRetry={requests.reload} what="requests" />
      ) : !requests.data ? (
        <Loading label="Loading requests…" />
      ) : shown.length === 0 ? (
        <EmptyState title={team || capability || phase ? 'No requests match.' : 'No requests yet.'}>
          <p>
            Request a capability from the <Link to="/platform">marketplace</Link>: it shows here.
          </p>
        </EmptyState>
      ) : (
        <ScrollTable label="Requests" caption="Platform requests by team and name" columns={['Request', 'Capability', 'Phase', 'Team', 'Created']} loading={requests.loading}>
          {shown.map((r) => (
            <tr key={r.metadata.uid} data-request={`${r.metadata.namespace}/${r.metadata.name}`} data-phase={r.status.phase}>
              <td>
                <Link to={requestPath(r.metadata.namespace, r.metadata.name)}>{`${r.metadata.namespace}/${r.metadata.name}`}</Link>
              </td>
              <td>
                <span className="type-pill">{r.kind}</span> <span className="muted small mono">{r.status.capability}</span>
              </td>
              <td>
                <span className="status-pill" data-phase={r.status.phase}>
                  {r.status.phase}
                </span>
              </td>
              <td>{r.status.owner ? humanRef(r.status.owner, 'group') : <span className="muted">—</span>}</td>
              <td>
                <time dateTime={r.metadata.creationTimestamp}>{r.metadata.creationTimestamp.slice(0, 16).replace('T', ' ')} UTC</time>
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  );
}
