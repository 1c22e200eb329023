/**
 * The phase a request is shown in: the stored phase, unless the request is being deleted (Deleting), its newest
 * generation waits for approval or was rejected (PendingApproval, Rejected), or it has a
 * generation the reconciler has not reached yet (Pending before its first reconcile, else Progressing).
 * The API shows this phase and the platform appends `platform.request.phase-changed` when it moves. Pure.
 */
import type { RequestPhase, StoredRequest } from './types.js';
import { awaitsDecision } from './request-approval.js';

/**
 * @example shownPhase({ generation: 2, status: { phase: 'Ready', observedGeneration: 1, … } }) // 'Progressing'
 */
export function shownPhase(request: Pick<StoredRequest, 'generation' | 'deletingSince' | 'status' | 'approval'>): RequestPhase {
  const { phase, observedGeneration } = request.status;
  if (request.deletingSince) return 'Deleting';
  if (awaitsDecision(request)) return request.approval!.state === 'Rejected' ? 'Rejected' : 'PendingApproval';
  if (observedGeneration !== request.generation && (phase === 'Ready' || phase === 'Pending')) return observedGeneration === 0 ? 'Pending' : 'Progressing';
  return phase;
}
