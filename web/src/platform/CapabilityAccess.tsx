import { useState } from 'react';
import { ErrorState } from '../components/States';
import { bindCapability, type CapabilitySummary } from './platformApi';
import type { CapabilityBinding } from '../../../src/platform/model/capability-binding.js';

const SHOWN_TEAMS = 3;

/**
 * What the caller's teams may do with a capability: open to every team (no offer), or per team whether it has
 * bound it (and on which channel), waits for approval, was rejected, may bind it (self-service or on approval),
 * or may not (to whom it is offered instead). Where it may bind and the caller may bind for the team (`binders`,
 * as the server's rules say), a Bind button binds it following the newest version.
 */
export function CapabilityAccess({ cap, teams, binders, bindings, onBound }: { cap: CapabilitySummary; teams: string[]; binders: ReadonlySet<string>; bindings: CapabilityBinding[]; onBound: () => void }) {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  const offer = cap.capability.spec.offer;
  if (!offer) return <p className="small muted" data-testid="capability-access">Open to every team, no binding needed.</p>;
  const shown = teams.slice(0, SHOWN_TEAMS);

  async function bind(team: string) {
    setBusy(team);
    setError(undefined);
    try {
      await bindCapability(team, cap.name);
      onBound();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <ul className="small capability-access" data-testid="capability-access" aria-label={`Your teams and ${cap.title ?? cap.name}`}>
        {shown.map((team) => {
          const access = accessOf(team, offer, bindings.find((b) => b.metadata.namespace === team && b.spec.capability === cap.name));
          return (
            <li key={team}>
              <strong>{team}</strong>: {access.text}
              {access.mayBind && binders.has(team) ? (
                <>
                  {' '}
                  <button type="button" className="btn small-btn" disabled={busy !== undefined} aria-label={`Bind ${cap.title ?? cap.name} for ${team}`} onClick={() => void bind(team)}>
                    Bind
                  </button>
                </>
              ) : null}
            </li>
          );
        })}
        {teams.length > shown.length ? <li className="muted">and {teams.length - shown.length} more teams</li> : null}
        {teams.length === 0 ? <li className="muted">Offered to {offer.to === 'all' ? 'all teams' : offer.to.join(', ')}.</li> : null}
      </ul>
      {error ? <ErrorState error={error} /> : null}
    </>
  );
}

function accessOf(team: string, offer: NonNullable<CapabilitySummary['capability']['spec']['offer']>, binding: CapabilityBinding | undefined): { text: string; mayBind: boolean } {
  if (binding?.status.phase === 'Bound') return { text: `bound, follows ${binding.spec.version ?? 'the newest version'}`, mayBind: false };
  if (binding?.status.phase === 'PendingApproval') return { text: `binding waits for ${(binding.status.approvers ?? []).join(', ') || 'the owner'}`, mayBind: false };
  if (binding?.status.phase === 'Rejected') return { text: `binding rejected${binding.status.decision ? `: ${binding.status.decision.reason}` : ''}`, mayBind: false };
  if (offer.to !== 'all' && !offer.to.includes(`group:default/${team}`)) return { text: `not offered (only to ${offer.to.join(', ')})`, mayBind: false };
  return { text: offer.binding === 'self-service' ? 'may bind it (self-service)' : "may bind it, on the owner's approval", mayBind: true };
}
