/**
 * An approver's decision on what waits for them (a team's binding, a request), as a JSON Schema (TypeBox): the
 * routes validate with it, and the service, client and portal use the type derived from it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput } from '../../core/problem.js';

export const ApprovalDecisionSchema = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why: kept in the audit log and shown to the team' }),
  },
  { additionalProperties: false },
);

export type ApprovalDecision = Static<typeof ApprovalDecisionSchema>;

/** Refuses a decision whose reason is blank (422 naming `/reason`): the audit log and the team are told why. */
export function requireReason(decision: ApprovalDecision): void {
  if (!decision.reason.trim()) throw invalidInput('A decision needs a reason', [{ pointer: '/reason', detail: 'is required: say why, for the audit log and the team', rule: 'required' }]);
}
