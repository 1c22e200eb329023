import { Link } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { RefLink } from '../components/EntityBits';
import { entityPath } from '../lib/refs';
import { capabilityRef, listBindings, listCapabilities, listNamespaces, requestFormPath, type CapabilitySummary } from './platformApi';
import { CapabilityAccess } from './CapabilityAccess';
import type { CapabilityBinding } from '../../../src/platform/model/capability-binding.js';
import './platform.css';

/** The capability marketplace: what the platform team offers, each linking to its catalog page and with a "Request" button. */
export default function MarketplacePage() {
  useDocumentTitle('Platform capabilities');
  const caps = useAsync((signal) => listCapabilities(signal), []);
  // The caller's teams (where they may request) and the bindings, for what each team may do with each capability.
  const access = useAsync(async (signal) => {
    const [namespaces, bindings] = await Promise.all([listNamespaces(signal), listBindings(signal)]);
    const teams = namespaces.items.filter((ns) => ns.mayRequest && ns.owner === `group:default/${ns.namespace}`);
    return { teams: teams.map((ns) => ns.namespace), binders: new Set(teams.filter((ns) => ns.mayBind).map((ns) => ns.namespace)), bindings: bindings.items };
  }, []);
  return (
    <div className="page platform-marketplace">
      <div className="page-head">
        <div>
          <h1>Platform capabilities</h1>
          <p className="muted">What the platform team offers. Request one for your team: Pave renders it, commits the files to the right git repository and reports when it is ready.</p>
        </div>
        <Link className="btn" to="/platform/requests">
          Requests
        </Link>
      </div>
      {caps.error ? (
        <ErrorState error={caps.error} onRetry={caps.reload} what="capabilities" />
      ) : !caps.data ? (
        <Loading label="Loading capabilities…" />
      ) : caps.data.items.length === 0 ? (
        <EmptyState title="No capabilities are published yet.">
          <p>
            The platform team publishes them with <code>pave capability publish</code> (or <code>POST /api/platform/capabilities</code>).
          </p>
        </EmptyState>
      ) : (
        <ul className="cap-grid" data-testid="capabilities">
          {caps.data.items.map((c) => (
            <CapabilityCard key={c.name} cap={c} access={access.data} onBound={access.reload} />
          ))}
        </ul>
      )}
    </div>
  );
}

function CapabilityCard({ cap, access, onBound }: { cap: CapabilitySummary; access: { teams: string[]; binders: ReadonlySet<string>; bindings: CapabilityBinding[] } | undefined; onBound: () => void }) {
  const spec = cap.capability.spec;
  const description = cap.description ?? cap.capability.metadata.description ?? spec.description;
  const titleId = `cap-${cap.name}-title`;
  return (
    <li className="card cap-card" aria-labelledby={titleId} data-capability={cap.name}>
      <h2 id={titleId}>
        <Link to={entityPath(capabilityRef(cap.name))} title="Its catalog page: owner, versions, requests">
          {cap.title ?? cap.name}
        </Link>
      </h2>
      <div className="cap-meta">
        <span className="type-pill" title={`${cap.api.group}/${cap.api.version}`}>
          {cap.api.kind}
        </span>
        <span className="badge mono small">v{cap.latestVersion}</span>
        <span className="muted small mono">{cap.name}</span>
      </div>
      {description ? <p className="description">{description}</p> : <p className="muted">No description.</p>}
      {spec.owner ? (
        <p className="small" data-testid="capability-owner">
          Owner: <RefLink refStr={spec.owner} defaultKind="group" />
        </p>
      ) : null}
      <p className="small muted">
        apiVersion <code className="small-code">{`${cap.api.group}/${cap.api.version}`}</code>
        {cap.versions.length > 1 ? ` · versions ${cap.versions.join(', ')}` : ''}
      </p>
      {spec.requires?.length ? (
        <p className="small">
          Requires:{' '}
          {spec.requires.map((r, i) => (
            <span key={r.name}>
              {i ? ', ' : ''}
              <Link to={entityPath(capabilityRef(r.name))}>{r.name}</Link> <span className="mono">{r.version}</span>
            </span>
          ))}
        </p>
      ) : (
        <p className="small muted">No requirements.</p>
      )}
      {access ? <CapabilityAccess cap={cap} teams={access.teams} binders={access.binders} bindings={access.bindings} onBound={onBound} /> : null}
      <div className="cap-actions">
        <Link className="btn primary" to={requestFormPath(cap.name)} aria-label={`Request ${cap.title ?? cap.name}`}>
          Request
        </Link>
      </div>
    </li>
  );
}
