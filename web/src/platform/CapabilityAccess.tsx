import type { CapabilitySummary } from './platformApi';
import type { CapabilityBinding } from '../../../src/platform/model/capability-binding.js';

const SHOWN_TEAMS = 3;

/**
 * What the caller's teams may do with a capability: open to every team (no offer), or per team whether it has
 * bound it (and on which channel), waits for approval, was rejected, may bind it (self-service or on approval),
 * or may not (to whom it is offered instead).
 */
export function CapabilityAccess({ cap, teams, bindings }: { cap: CapabilitySummary; teams: string[]; bindings: CapabilityBinding[] }) {
  const offer = cap.capability.spec.offer;
  if (!offer) return <p className="small muted" data-testid="capability-access">Open to every team, no binding needed.</p>;
  const shown = teams.slice(0, SHOWN_TEAMS);
  return (
    <ul className="small capability-access" data-testid="capability-access" aria-label={`Your teams and ${cap.title ?? cap.name}`}>
      {shown.map((team) => (
        <li key={team}>
          <strong>{team}</strong>: {accessOf(team, offer, bindings.find((b) => b.metadata.namespace === team && b.spec.capability === cap.name))}
        </li>
      ))}
      {teams.length > shown.length ? <li className="muted">and {teams.length - shown.length} more teams</li> : null}
      {teams.length === 0 ? <li className="muted">Offered to {offer.to === 'all' ? 'all teams' : offer.to.join(', ')}.</li> : null}
    </ul>
  );
}

function accessOf(team: string, offer: NonNullable<CapabilitySummary['capability']['spec']['offer']>, binding: CapabilityBinding | undefined): string {
  if (binding?.status.phase === 'Bound') return `bound, follows ${binding.spec.version ?? 'the newest version'}`;
  if (binding?.status.phase === 'PendingApproval') return `binding waits for ${(binding.status.approvers ?? []).join(', ') || 'the owner'}`;
  if (binding?.status.phase === 'Rejected') return `binding rejected${binding.status.decision ? `: ${binding.status.decision.reason}` : ''}`;
  if (offer.to !== 'all' && !offer.to.includes(`group:default/${team}`)) return `not offered (only to ${offer.to.join(', ')})`;
  return offer.binding === 'self-service' ? 'may bind it (self-service)' : "may bind it, on the owner's approval";
}
