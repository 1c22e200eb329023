import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../lib/api';
import { useDocumentTitle } from '../lib/hooks';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { entityPath } from '../lib/refs';
import { PulseCard } from '../insights/PulseCard';
import { capabilityRef, deleteRequest, getRequest, listRuns, requestActions, requestEventsUrl, type RequestActions, type Run, type RequestView } from './platformApi';
import { Outputs } from './RequestFormPage';
import { ApprovalSection } from './ApprovalSection';
import { ExpirySection } from './ExpirySection';
import { CommitLink, DestinationSight, PathLink } from './DestinationLinks';
import { CONDITION_ORDER } from '../../../src/platform/model/conditions.js';
import './platform.css';

function when(iso?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * One request: its phase and conditions, outputs, deliveries (with commits) and runs. Stays live:
 * the /events stream (EventSource) triggers a reload on every change of this request, and a slow
 * poll covers a stream that cannot connect.
 */
export default function RequestPage() {
  const { namespace = '', name = '' } = useParams();
  useDocumentTitle(`${namespace}/${name}`);
  const [req, setReq] = useState<RequestView>();
  const [runs, setRuns] = useState<Run[]>();
  // What the caller may do with it (read with the request: a decision or a deletion can change it).
  const [actions, setActions] = useState<RequestActions>();
  const [error, setError] = useState<Error>();
  const [gone, setGone] = useState(false);
  const [live, setLive] = useState<'connecting' | 'live' | 'polling'>('connecting');
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<Error>();
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const [r, rs] = await Promise.all([
        getRequest(namespace, name).catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return undefined;
          throw e;
        }),
        listRuns(namespace, name).catch(() => undefined),
      ]);
      const may = r ? await requestActions(namespace, name).catch(() => undefined) : undefined;
      if (mine !== seq.current) return;
      setError(undefined);
      setActions(may);
      // A deleted request shows only its final state (and its runs), nothing of what it was before.
      setReq(r);
      setGone(!r);
      if (rs) setRuns(rs.items);
    } catch (e) {
      if (mine === seq.current) setError(e instanceof Error ? e : new Error(String(e)));
    }
  }, [namespace, name]);

  useEffect(() => {
    setReq(undefined);
    setRuns(undefined);
    setGone(false);
    void load();
    let es: EventSource | undefined;
    if (typeof EventSource !== 'undefined') {
      es = new EventSource(requestEventsUrl(namespace, name));
      es.onopen = () => setLive('live');
      es.onerror = () => setLive('polling');
      // The event log's platform.* types: each event names what changed, the page reads it again.
      for (const type of ['platform.request.applied', 'platform.request.updated', 'platform.request.phase-changed', 'platform.request.deleted', 'platform.run.finished']) es.addEventListener(type, () => void load());
    } else setLive('polling');
    // A slow poll as well: catches anything the stream missed while reconnecting.
    const timer = setInterval(() => void load(), 5000);
    return () => {
      es?.close();
      clearInterval(timer);
    };
  }, [namespace, name, load]);

  async function onDelete() {
    setDeleting(true);
    setDeleteError(undefined);
    try {
      setReq(await deleteRequest(namespace, name));
    } catch (e) {
      setDeleteError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setDeleting(false);
      setConfirming(false);
    }
  }

  if (error && !req) return <div className="page"><ErrorState error={error} onRetry={() => void load()} what="request" /></div>;
  if (!req && !gone) return <Loading label="Loading request…" />;

  const status = req?.status;
  const phase = gone ? 'Deleted' : status?.phase ?? 'Pending';
  const conditions = [...(status?.conditions ?? [])].sort((a, b) => CONDITION_ORDER.indexOf(a.type) - CONDITION_ORDER.indexOf(b.type));
  const destinations = [...(status?.deliveries ?? []).map((d) => d.destination), ...(runs ?? []).flatMap((r) => [...r.commits, ...r.diff].map((c) => c.destination))];
  // A GitOps tool's revision is a commit of the one destination the request's files are in (when there is one).
  const revisionDestination = status?.deliveries.length === 1 ? status.deliveries[0]!.destination : undefined;
  return (
    <DestinationSight names={destinations}>
    <div className="page platform-request">
      <div className="page-head">
        <div>
          <p className="small muted">
            <Link to="/platform">Platform capabilities</Link> / <Link to={`/platform/requests?team=${encodeURIComponent(namespace)}`}>{namespace}</Link>
          </p>
          <h1>
            {req?.metadata.title ?? name}{' '}
            <span className="status-pill" data-phase={phase} data-testid="request-phase">
              {phase}
            </span>
          </h1>
          <p className="muted small">
            {req ? (
              <>
                <span className="mono">{req.kind}</span> {namespace}/{name}
                {status?.capability ? (
                  <>
                    {' '}
                    · capability <Link to={entityPath(capabilityRef(status.capability))}>{status.capability}</Link> v{status.capabilityVersion}
                  </>
                ) : null}
                {status?.upgradeAvailable ? ` · v${status.upgradeAvailable} available` : ''}
              </>
            ) : null}{' '}
            · <span data-testid="live-state">{live === 'live' ? 'live updates' : live === 'polling' ? 'updating every 5 s' : 'connecting…'}</span>
          </p>
        </div>
        {req && phase !== 'Deleting' && actions?.delete ? (
          <button type="button" className="btn danger" onClick={() => setConfirming(true)}>
            Delete
          </button>
        ) : null}
      </div>
      {req ? (
        <ConfirmDialog open={confirming} title={`Delete ${namespace}/${name}?`} confirmLabel={deleting ? 'Deleting…' : `Delete ${namespace}/${name}`} busy={deleting} onConfirm={() => void onDelete()} onCancel={() => setConfirming(false)}>
          <p>
            Its capability's delete steps run, then these folders are removed from git in a commit (unless their destination keeps them), and the request is gone:
          </p>
          {req.status.deliveries.length ? (
            <ul className="location-list" data-testid="delete-removes">
              {req.status.deliveries.map((d) => (
                <li key={`${d.destination}:${d.path}`}>
                  <span className="type-pill">{d.destination}</span> <span className="mono small">{d.path}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Nothing was committed for it yet.</p>
          )}
          <p className="small muted">If other requests use its outputs, it waits until they are deleted.</p>
        </ConfirmDialog>
      ) : null}
      {deleteError ? <ErrorState error={deleteError} /> : null}
      {gone ? (
        <section className="card success" data-testid="request-deleted">
          <EmptyState title={`${namespace}/${name} is deleted (or was never requested).`}>
            <p>
              Its files are removed from git; its runs are kept below. Request something new from the <Link to="/platform">marketplace</Link>, or see the{' '}
              <Link to="/platform/requests">other requests</Link>.
            </p>
          </EmptyState>
        </section>
      ) : null}
      {req && actions && !actions.delete && !actions.extend && !actions.decide ? (
        <p className="small muted" data-testid="read-only">
          You may read this request; its team (and admins) change it.
        </p>
      ) : null}
      {status?.message ? <p className={phase === 'Failed' ? 'error-text' : 'muted'}>{status.message}</p> : null}
      {status?.unhealthy ? (
        <p className="error-text" role="alert" data-testid="request-unhealthy">
          Unhealthy in its cluster since {when(status.unhealthySince)} (see the Healthy condition).
        </p>
      ) : null}
      {status?.nextRetryAt ? (
        <p className="warn-text" data-testid="next-retry">
          Next retry at {when(status.nextRetryAt)}.
        </p>
      ) : null}

      {phase === 'Ready' ? <PulseCard occasion={`resource:${namespace}/${name}`.toLowerCase()} /> : null}
      {req ? <ApprovalSection request={req} mayDecide={actions?.decide ?? false} onDecided={setReq} /> : null}
      {req && phase !== 'Deleting' ? <ExpirySection request={req} mayExtend={actions?.extend ?? false} onExtended={setReq} /> : null}
      {req ? (
        <section className="card conditions-card" aria-labelledby="cond-title">
          <h2 id="cond-title">Conditions</h2>
          {conditions.length === 0 ? (
            <p className="muted">Not reconciled yet.</p>
          ) : (
            <ul className="cond-list" data-testid="conditions">
              {conditions.map((c) => (
                <li key={c.type} data-condition={c.type} data-status={c.status}>
                  <strong>{c.type}</strong>
                  <span className="status-pill" data-status={c.status}>
                    {c.status}
                  </span>
                  <span className="small">
                    <span className="mono">{c.reason}</span>
                    {c.message ? ` — ${c.message}` : ''} <span className="muted">({when(c.lastTransitionTime)})</span>
                    {c.revision ? (
                      <>
                        {' '}
                        revision {revisionDestination ? <CommitLink destination={revisionDestination} commit={c.revision} /> : <code className="small-code" title={c.revision}>{c.revision.slice(0, 12)}</code>}
                      </>
                    ) : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {req ? (
        <div className="platform-grid-2">
          <section className="card" aria-labelledby="outputs-title">
            <h2 id="outputs-title">Outputs</h2>
            {status?.outputs && Object.keys(status.outputs).length ? <Outputs outputs={status.outputs} /> : <p className="muted">No outputs yet.</p>}
          </section>
          <section className="card" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">Deliveries</h2>
            {status?.deliveries.length ? (
              <ul className="location-list" data-testid="deliveries">
                {status.deliveries.map((d) => (
                  <li key={`${d.destination}:${d.path}`}>
                    <span className="type-pill">{d.destination}</span> <PathLink destination={d.destination} path={d.path} view="tree" {...(d.commit ? { at: d.commit } : {})} />{' '}
                    {d.commit ? (
                      <span className="small" data-testid="delivery-commit">
                        commit <CommitLink destination={d.destination} commit={d.commit} />
                      </span>
                    ) : (
                      <span className="muted small">not committed yet</span>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Not delivered to any destination yet.</p>
            )}
          </section>
          <section className="card" aria-labelledby="spec-title">
            <h2 id="spec-title">Spec</h2>
            <pre className="code" tabIndex={0} aria-label="Request spec">
              {JSON.stringify(req.spec, null, 2)}
            </pre>
          </section>
        </div>
      ) : null}

      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        {!runs ? <Loading rows={2} /> : runs.length === 0 ? <p className="muted">No runs yet.</p> : runs.map((r, i) => <RunView key={r.id} run={r} open={i === 0} />)}
      </section>
    </div>
    </DestinationSight>
  );
}

function RunView({ run, open }: { run: Run; open: boolean }) {
  // A file the run added or changed, as its destination's commit left it (a deleted one is in no commit of the run).
  const fileAt = (d: Run['diff'][number]) => (d.change === 'deleted' ? undefined : run.commits.find((c) => c.destination === d.destination)?.commit);
  return (
    <details className="run" open={open} data-testid="run">
      <summary>
        <span className="status-pill" data-phase={run.phase}>
          {run.phase}
        </span>{' '}
        <strong>{run.action}</strong> · generation {run.generation} · {run.trigger} · {when(run.startedAt)} <span className="mono small muted">{run.id}</span>
      </summary>
      {run.error ? <p className="error-text">{run.error}</p> : null}
      <h3 className="small">Steps</h3>
      {run.steps.map((s) => (
        <div className="run-step" key={s.name}>
          <span className="status-pill" data-phase={s.phase}>
            {s.phase}
          </span>{' '}
          <strong>{s.name}</strong> <span className="muted small">({s.type}{s.attempts > 1 ? `, ${s.attempts} attempts` : ''})</span>
          {s.message ? <span className="small"> — {s.message}</span> : null}
          {s.error ? <p className="error-text small">{s.error}</p> : null}
          {s.log.length ? (
            <pre className="code small" tabIndex={0} aria-label={`Log of step ${s.name}`}>
              {s.log.join('\n')}
            </pre>
          ) : null}
        </div>
      ))}
      <h3 className="small">Files changed</h3>
      {run.diff.length ? (
        <ul className="location-list" data-testid="run-diff">
          {run.diff.map((d) => (
            <li key={`${d.destination}:${d.path}`}>
              <span className="diff-change" data-change={d.change}>
                {d.change === 'added' ? '+' : d.change === 'deleted' ? '−' : '~'} {d.change}
              </span>{' '}
              <span className="type-pill">{d.destination}</span> {fileAt(d) ? <PathLink destination={d.destination} path={d.path} view="blob" at={fileAt(d)} /> : <span className="mono small">{d.path}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No files changed.</p>
      )}
      {run.commits.length ? (
        <>
          <h3 className="small">Commits</h3>
          <ul className="location-list" data-testid="run-commits">
            {run.commits.map((c) => (
              <li key={c.commit}>
                <CommitLink destination={c.destination} commit={c.commit} full /> on <span className="type-pill">{c.destination}</span> <span className="mono small">{c.branch}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="small">
        <a href={`/api/platform/runs/${encodeURIComponent(run.id)}/logs`}>Full log (text)</a>
      </p>
    </details>
  );
}
