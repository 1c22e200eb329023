import { useState } from 'react';
import { ErrorState, Spinner } from '../components/States';
import { decideRequest, type RequestView } from './platformApi';

/**
 * A request's approval: who must approve its newest generation and why, and the decision once made (who,
 * why, when). While it waits, an approver (`mayDecide`, as the server's rules say) decides here with a reason;
 * anyone else is told who decides.
 */
export function ApprovalSection({ request, mayDecide, onDecided }: { request: RequestView; mayDecide: boolean; onDecided: (view: RequestView) => void }) {
  const approval = request.status.approval;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  if (!approval) return null;
  const waiting = approval.state === 'Pending' && approval.generation === request.metadata.generation;

  async function decide(decision: 'approve' | 'reject') {
    setBusy(true);
    setError(undefined);
    try {
      onDecided(await decideRequest(request.metadata.namespace, request.metadata.name, { decision, reason }));
      setReason('');
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card approval-card" aria-labelledby="approval-title" data-testid="approval">
      <h2 id="approval-title">Approval</h2>
      <p>
        Generation {approval.generation}: <strong data-testid="approval-state">{approval.state}</strong> · approvers{' '}
        <span className="mono small">{approval.approvers.join(', ')}</span>
      </p>
      <ul className="small muted">
        {approval.because.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {approval.decision ? (
        <p data-testid="approval-decision">
          {approval.state === 'Approved' ? 'Approved' : 'Rejected'} by <strong>{approval.decision.by}</strong> on {new Date(approval.decision.at).toLocaleString()}: {approval.decision.reason}
        </p>
      ) : null}
      {waiting && !mayDecide ? (
        <p className="muted" data-testid="approval-waiting">
          Waiting for a decision by a member of {approval.approvers.join(' or ')}.
        </p>
      ) : null}
      {waiting && mayDecide ? (
        <div className="approval-form">
          <label htmlFor="approval-reason">Reason (kept in the audit log)</label>
          <textarea id="approval-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />
          <div className="approval-actions">
            <button type="button" className="btn primary" disabled={busy || !reason.trim()} onClick={() => void decide('approve')}>
              {busy ? <Spinner label="Deciding" /> : null} Approve
            </button>
            <button type="button" className="btn danger" disabled={busy || !reason.trim()} onClick={() => void decide('reject')}>
              Reject
            </button>
          </div>
        </div>
      ) : null}
      {error ? <ErrorState error={error} /> : null}
    </section>
  );
}
