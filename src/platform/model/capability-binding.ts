/**
 * A team's binding of a capability (kcp's APIBinding, in Pave's words): the team (a Group, named by the
 * binding's namespace) may request the capability, following a version channel — a pinned version or a
 * semver range; none follows the newest version. Pure: no I/O.
 */
import semver from 'semver';
import { isObject } from '../../core/is-object.js';
import type { FieldError } from '../../core/problem.js';
import { DNS_LABEL } from './capability-validation.js';
import { PLATFORM_API_VERSION } from './types.js';
import { normalizeApprovalRule, validateApprovalRule, type ApprovalRule } from './request-approval.js';

export const BINDING_KIND = 'CapabilityBinding';

/** `Bound` may be requested; `PendingApproval` waits for the capability's owner; `Rejected` was refused. */
export type BindingPhase = 'Bound' | 'PendingApproval' | 'Rejected';

export interface CapabilityBinding {
  apiVersion: typeof PLATFORM_API_VERSION;
  kind: typeof BINDING_KIND;
  /** `namespace` is the team's Group name, `name` the capability's. */
  metadata: { name: string; namespace: string };
  spec: {
    capability: string;
    /** The version channel: a version (pinned) or a semver range (floating); absent follows the newest. */
    version?: string;
    /** The team's own approval rule for its requests of the capability (besides the capability's). */
    approval?: ApprovalRule;
  };
  status: {
    phase: BindingPhase;
    /** The Group ref of the team. */
    team: string;
    /** Who may approve it while it waits (the capability's owner). */
    approvers?: string[];
    decision?: { by: string; reason: string; at: string };
  };
}

/** What a caller sends: the team's namespace, the capability and the channel. */
export interface BindingInput {
  namespace: string;
  capability: string;
  version?: string;
  approval?: ApprovalRule;
}

/**
 * Checks a binding document (`apiVersion`, `kind`, `metadata.namespace`, `spec.capability`, `spec.version`),
 * naming every mistake. `metadata.name`, when given, must be the capability's name.
 * @example validateBindingInput({ apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: 'checkout-team' }, spec: { capability: 'postgresql', version: '^1' } })
 */
export function validateBindingInput(raw: unknown): { input?: BindingInput; errors: FieldError[] } {
  if (!isObject(raw)) return { errors: [{ pointer: '', detail: 'must be a CapabilityBinding document (a mapping)', rule: 'type' }] };
  const errors: FieldError[] = [];
  if (raw.apiVersion !== PLATFORM_API_VERSION) errors.push({ pointer: '/apiVersion', detail: `must be ${PLATFORM_API_VERSION}`, rule: 'const' });
  if (raw.kind !== BINDING_KIND) errors.push({ pointer: '/kind', detail: `must be ${BINDING_KIND}`, rule: 'const' });
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const spec = isObject(raw.spec) ? raw.spec : {};
  if (typeof metadata.namespace !== 'string' || !DNS_LABEL.test(metadata.namespace)) errors.push({ pointer: '/metadata/namespace', detail: "is required: the team's namespace (its Group's name)", rule: 'required' });
  if (typeof spec.capability !== 'string' || !DNS_LABEL.test(spec.capability)) errors.push({ pointer: '/spec/capability', detail: 'is required: the name of a published capability', rule: 'required' });
  else if (metadata.name !== undefined && metadata.name !== spec.capability) errors.push({ pointer: '/metadata/name', detail: `must be the capability's name (${spec.capability}) or left out: a team binds a capability once`, rule: 'const' });
  if (spec.version !== undefined && (typeof spec.version !== 'string' || semver.validRange(spec.version) === null)) {
    errors.push({ pointer: '/spec/version', detail: 'must be a version such as 1.2.0 (pinned) or a range such as ^1.2 (floating)', rule: 'semver-range' });
  }
  if (spec.approval !== undefined) errors.push(...validateApprovalRule(spec.approval, '/spec/approval'));
  for (const key of Object.keys(spec)) if (!['capability', 'version', 'approval'].includes(key)) errors.push({ pointer: `/spec/${key}`, detail: 'is not a known field here (expected capability, version, approval)', rule: 'additionalProperties' });
  if (errors.length) return { errors };
  return {
    input: {
      namespace: metadata.namespace as string,
      capability: spec.capability as string,
      ...(spec.version !== undefined ? { version: spec.version as string } : {}),
      ...(spec.approval !== undefined ? { approval: normalizeApprovalRule(spec.approval as ApprovalRule) } : {}),
    },
    errors,
  };
}
