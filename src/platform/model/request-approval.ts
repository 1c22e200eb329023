/**
 * Approvals of requests: a capability (`spec.approval`) or a team's binding (`spec.approval`) may require that
 * a group approves a request, optionally only when its document matches input conditions (the permission
 * rules' JSON-pointer conditions, e.g. `[{ pointer: /spec/environment, equals: prod }]`). Each new generation
 * that needs approval waits in `PendingApproval`, naming its approvers, until one of them decides. Pure: no I/O.
 */
import { isObject } from '../../core/is-object.js';
import type { FieldError } from '../../core/problem.js';
import { describeInputConditions, inputConditionsHold, validateInputConditions, type InputCondition } from '../../auth/input-condition.js';
import { groupRefOf } from '../namespace-owners.js';

export interface ApprovalRule {
  /** The Group whose members approve. */
  group: string;
  /** Only requests whose document matches every condition need approval; absent: every request. */
  when?: InputCondition[];
}

/** The approval a request's generation needs or got. */
export interface RequestApproval {
  generation: number;
  state: 'Pending' | 'Approved' | 'Rejected';
  /** Group refs whose members may decide. */
  approvers: string[];
  /** Why it needs approval, one line per rule that asked for it. */
  because: string[];
  decision?: { by: string; reason: string; at: string };
}

/** Checks an `approval` field (of a capability or a binding) under `at`, naming every mistake. */
export function validateApprovalRule(raw: unknown, at: string): FieldError[] {
  if (!isObject(raw)) return [{ pointer: at, detail: 'must be a mapping with group and, optionally, when (input conditions)', rule: 'type' }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) if (key !== 'group' && key !== 'when') errors.push({ pointer: `${at}/${key}`, detail: 'is not a known field here (expected group, when)', rule: 'additionalProperties' });
  if (!groupRefOf(raw.group)) errors.push({ pointer: `${at}/group`, detail: 'must name the approving Group, e.g. platform-team or group:default/platform-team', rule: 'entity-ref' });
  if (raw.when !== undefined) errors.push(...validateInputConditions(raw.when, `${at}/when`));
  return errors;
}

/** The rule with its group as a canonical Group ref (call on a validated rule). */
export function normalizeApprovalRule(rule: ApprovalRule): ApprovalRule {
  return { ...rule, group: groupRefOf(rule.group)! };
}

/**
 * The approval a request document needs under these rules (each with where it comes from, for the reason),
 * or undefined when none applies.
 * @example approvalNeeded([{ rule: { group: 'group:default/sre', when: [{ pointer: '/spec/environment', equals: 'prod' }] }, source: 'capability postgresql' }], doc, 2)
 */
export function approvalNeeded(rules: ReadonlyArray<{ rule: ApprovalRule; source: string }>, document: unknown, generation: number): RequestApproval | undefined {
  const applying = rules.filter(({ rule }) => !rule.when || inputConditionsHold(rule.when, document));
  if (!applying.length) return undefined;
  return {
    generation,
    state: 'Pending',
    approvers: [...new Set(applying.map(({ rule }) => rule.group))],
    because: applying.map(({ rule, source }) => `${source} asks ${rule.group} to approve ${rule.when ? `requests where ${describeInputConditions(rule.when)}` : 'every request'}`),
  };
}

/** Whether a request's current generation waits for a decision or was rejected: it is not reconciled. */
export function awaitsDecision(request: { generation: number; approval?: RequestApproval }): boolean {
  return request.approval !== undefined && request.approval.generation === request.generation && request.approval.state !== 'Approved';
}
