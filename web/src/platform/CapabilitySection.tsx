import { Link } from 'react-router-dom';
import type { Entity } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { listRequests, requestFormPath, requestPath } from './platformApi';
import './platform.css';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The platform part of a Capability's catalog page: the API a request uses, every version published, the
 * requests made of it with their phase (from the platform API), and the button to request it.
 */
export default function CapabilitySection({ entity }: { entity: Entity }) {
  const name = entity.metadata.name;
  const spec = entity.spec ?? {};
  const versions = strings(spec.versions);
  const latest = typeof spec.version === 'string' ? spec.version : versions[0];
  const api = (spec.api ?? {}) as { group?: string; version?: string; kind?: string };
  const requests = useAsync((signal) => listRequests({ capability: name }, signal), [name]);
  return (
    <section className="card capability-section" aria-labelledby="capability-section-title" data-testid="capability-section">
      <div className="card-head">
        <h2 id="capability-section-title">Platform capability</h2>
        <Link className="btn primary" to={requestFormPath(name)} aria-label={`Request ${entity.metadata.title ?? name}`}>
          Request
        </Link>
      </div>
      {api.kind ? (
        <p className="small">
          A request is a <strong>{api.kind}</strong> document, apiVersion <code className="small-code">{`${api.group}/${api.version}`}</code>.
        </p>
      ) : null}
      <div className="platform-grid-2">
        <div>
          <h3>Versions</h3>
          <ul className="capability-versions" data-testid="capability-versions">
            {versions.map((v) => (
              <li key={v} className="mono">
                v{v} {v === latest ? <span className="badge">latest</span> : null}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>Requests</h3>
          {requests.error ? (
            <ErrorState error={requests.error} onRetry={requests.reload} what="requests" />
          ) : !requests.data ? (
            <Loading label="Loading requests…" />
          ) : requests.data.items.length === 0 ? (
            <EmptyState title="Nobody has requested it yet." />
          ) : (
            <ul className="capability-requests" data-testid="capability-requests">
              {requests.data.items.map((r) => (
                <li key={`${r.metadata.namespace}/${r.metadata.name}`}>
                  <Link to={requestPath(r.metadata.namespace, r.metadata.name)}>
                    {r.metadata.namespace}/{r.metadata.name}
                  </Link>{' '}
                  <span className="status-pill" data-phase={r.status?.phase}>
                    {r.status?.phase ?? 'Pending'}
                  </span>{' '}
                  {r.status?.capabilityVersion ? <span className="mono small muted">v{r.status.capabilityVersion}</span> : null}
                  {r.status?.unhealthy ? (
                    <span className="status-pill" data-status="False" title={`Unhealthy in its cluster since ${r.status.unhealthySince}`}>
                      Unhealthy
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
