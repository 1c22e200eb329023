/**
 * Conditions a permission rule sets on an action's input: what is asked for, not only who asks and on what.
 * "`templates.task.create` only for `template:default/typescript-service`", "no `platform.request.create`
 * whose `/spec/environment` is `prod`". Each condition reads one value by JSON pointer (RFC 6901) and compares
 * it; nothing is evaluated. A rule with conditions matches an action only when its input is known and every
 * condition holds, so it never decides reads (which have no input).
 */
import type { FieldError } from '../core/problem.js';
import { globMatches } from './action-glob.js';

type Scalar = string | number | boolean;

export interface InputCondition {
  /** Where the value is in the action's input, e.g. `/templateRef`, `/spec/environment`. */
  pointer: string;
  /** The value equals this. */
  equals?: Scalar;
  /** The value is one of these. */
  oneOf?: Scalar[];
  /** The value is text matching this glob (`*` any run of characters), e.g. `template:default/*`. */
  matches?: string;
  /** The value is a number greater than this, e.g. `instances` more than 2. */
  greaterThan?: number;
  /** The value is a number less than this. */
  lessThan?: number;
  /** The opposite: the condition holds when the comparison fails (or the value is absent). */
  not?: boolean;
}

const MAX_CONDITIONS = 20;
const POINTER = /^(\/[^/]*){1,20}$/;
const COMPARISONS = ['equals', 'oneOf', 'matches', 'greaterThan', 'lessThan'] as const;

/** Checks a rule's `input` list, naming every mistake by pointer (under `at`, e.g. `/input`). */
export function validateInputConditions(raw: unknown, at: string): FieldError[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_CONDITIONS) return [{ pointer: at, detail: `must be a list of 1 to ${MAX_CONDITIONS} conditions`, rule: 'type' }];
  const errors: FieldError[] = [];
  raw.forEach((item, i) => {
    const here = `${at}/${i}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return errors.push({ pointer: here, detail: `must be a mapping with pointer and one of ${COMPARISONS.join(', ')}`, rule: 'type' });
    const condition = item as Record<string, unknown>;
    for (const key of Object.keys(condition)) if (!['pointer', 'not', ...COMPARISONS].includes(key)) errors.push({ pointer: `${here}/${key}`, detail: `is not a condition field (expected pointer, ${COMPARISONS.join(', ')}, not)`, rule: 'additionalProperties' });
    if (typeof condition.pointer !== 'string' || !POINTER.test(condition.pointer)) errors.push({ pointer: `${here}/pointer`, detail: "must be a JSON pointer such as '/spec/environment'", rule: 'pattern' });
    const given = COMPARISONS.filter(key => condition[key] !== undefined);
    if (given.length !== 1) errors.push({ pointer: here, detail: `must have exactly one of ${COMPARISONS.join(', ')}`, rule: 'oneOf' });
    if (condition.equals !== undefined && !isScalar(condition.equals)) errors.push({ pointer: `${here}/equals`, detail: 'must be text, a number or true/false', rule: 'type' });
    if (condition.oneOf !== undefined && (!Array.isArray(condition.oneOf) || condition.oneOf.length === 0 || condition.oneOf.length > 100 || !condition.oneOf.every(isScalar))) {
      errors.push({ pointer: `${here}/oneOf`, detail: 'must be a list of 1 to 100 texts, numbers or true/false', rule: 'type' });
    }
    if (condition.matches !== undefined && (typeof condition.matches !== 'string' || condition.matches.length === 0 || condition.matches.length > 500)) errors.push({ pointer: `${here}/matches`, detail: 'must be a glob of 1 to 500 characters', rule: 'type' });
    for (const key of ['greaterThan', 'lessThan'] as const) {
      if (condition[key] !== undefined && (typeof condition[key] !== 'number' || !Number.isFinite(condition[key]))) errors.push({ pointer: `${here}/${key}`, detail: 'must be a number', rule: 'type' });
    }
    if (condition.not !== undefined && typeof condition.not !== 'boolean') errors.push({ pointer: `${here}/not`, detail: 'must be true or false', rule: 'type' });
  });
  return errors;
}

/** Whether every condition holds for this input. */
export function inputConditionsHold(conditions: readonly InputCondition[], input: unknown): boolean {
  return conditions.every(condition => holds(condition, input));
}

/** A condition in words, for decisions and explanations: `/spec/environment is 'prod'`. */
export function describeInputConditions(conditions: readonly InputCondition[]): string {
  return conditions.map(describe).join(' and ');
}

function holds(condition: InputCondition, input: unknown): boolean {
  const value = valueAt(input, condition.pointer);
  const compared =
    condition.equals !== undefined ? value === condition.equals
    : condition.oneOf !== undefined ? condition.oneOf.some(option => option === value)
    : condition.greaterThan !== undefined ? typeof value === 'number' && value > condition.greaterThan
    : condition.lessThan !== undefined ? typeof value === 'number' && value < condition.lessThan
    : typeof value === 'string' && globMatches(condition.matches!, value);
  return condition.not ? !compared : compared;
}

function describe(condition: InputCondition): string {
  const is = condition.not ? 'is not' : 'is';
  if (condition.equals !== undefined) return `${condition.pointer} ${is} ${JSON.stringify(condition.equals)}`;
  if (condition.oneOf !== undefined) return `${condition.pointer} ${is} one of ${condition.oneOf.map(v => JSON.stringify(v)).join(', ')}`;
  if (condition.greaterThan !== undefined) return `${condition.pointer} ${is} greater than ${condition.greaterThan}`;
  if (condition.lessThan !== undefined) return `${condition.pointer} ${is} less than ${condition.lessThan}`;
  return `${condition.pointer} ${condition.not ? 'does not match' : 'matches'} ${JSON.stringify(condition.matches)}`;
}

/** The value at a JSON pointer, own properties only (never a prototype's); undefined when absent. */
function valueAt(input: unknown, pointer: string): unknown {
  let current = input;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
