import type { FieldError } from '../core/problem.js';
import { validateInputConditions, type InputCondition } from './input-condition.js';

/**
 * One permission rule, as written in `auth.rules` or stored through the API. Policy is data: a rule
 * allows or denies actions (globs such as `catalog.entity.*`) to subjects, optionally only on some resources.
 */
export interface AuthRule {
  /** Unique among all rules, e.g. `platform-publishes`. */
  id: string;
  description: string;
  effect: 'allow' | 'deny';
  /** Action globs: `*` matches any run of characters, e.g. `catalog.entity.read`, `catalog.entity.*`, `*`. */
  actions: string[];
  /**
   * Who: `user:<namespace>/<name>`, `group:<namespace>/<name>` (members of child groups count),
   * `service:<name>` (a service token), or a role: `role:signed-in`, `role:owner`, `role:guest`, `role:admin`.
   */
  subjects: string[];
  /** Only resources with all of these (each list: any of its values). Absent: any resource, or none. */
  resource?: AuthRuleResource;
  /**
   * Only when the action's input (a golden path's template and values, a platform request's document) meets
   * all of these; such a rule never decides an action without input (reads). See `input-condition.ts`.
   */
  input?: InputCondition[];
}

export interface AuthRuleResource {
  /** Entity kinds, case-insensitive, e.g. `Component`. */
  kinds?: string[];
  namespaces?: string[];
  /** Entity ref globs, e.g. `component:default/payments-*`. */
  refs?: string[];
  /** Owner refs (`group:default/checkout-team`); an owner's parent groups do not count. */
  owners?: string[];
}

const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const ACTION_GLOB = /^[a-z0-9*][a-z0-9*._-]*$/i;
const SUBJECT = /^(role:(signed-in|owner|guest|admin)|(user|group):[^\s:/]+\/[^\s/]+|service:[a-z0-9][a-z0-9._-]*)$/i;
const ENTITY_REF = /^[^\s:/]+:[^\s:/]+\/[^\s/]+$/;

/**
 * Checks one permission rule and names every mistake by JSON pointer (relative to the rule).
 * Used for `auth.rules` in the configuration and for rules saved through the API.
 * @example validateAuthRule({ id: 'x', effect: 'allow', actions: [], subjects: [] }) // [{ pointer: '/actions', … }, …]
 */
export function validateAuthRule(raw: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const add = (pointer: string, detail: string, rule?: string) => errors.push({ pointer, detail, ...(rule ? { rule } : {}) });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [{ pointer: '', detail: 'must be a mapping with id, effect, actions and subjects', rule: 'type' }];
  const rule = raw as Record<string, unknown>;
  const known = new Set(['id', 'description', 'effect', 'actions', 'subjects', 'resource', 'input']);
  for (const key of Object.keys(rule)) if (!known.has(key)) add(`/${key}`, `is not a rule field (expected ${[...known].join(', ')})`, 'additionalProperties');
  if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) add('/id', 'must be lower-case letters, digits, dots, dashes or underscores (at most 100)', 'pattern');
  if (rule.description !== undefined && typeof rule.description !== 'string') add('/description', 'must be text', 'type');
  if (rule.effect !== 'allow' && rule.effect !== 'deny') add('/effect', 'must be allow or deny', 'enum');
  const list = (key: string, pattern: RegExp, what: string) => {
    const value = rule[key];
    if (!Array.isArray(value) || value.length === 0) return add(`/${key}`, `must be a non-empty list of ${what}`, 'minItems');
    value.forEach((item, i) => {
      if (typeof item !== 'string' || !pattern.test(item)) add(`/${key}/${i}`, `must be ${what}`, 'pattern');
    });
  };
  list('actions', ACTION_GLOB, "action globs such as 'catalog.entity.read' or 'catalog.*'");
  list('subjects', SUBJECT, "subjects: 'user:<ns>/<name>', 'group:<ns>/<name>', 'service:<name>' or role:signed-in|owner|guest|admin");
  if (rule.resource !== undefined) {
    if (rule.resource === null || typeof rule.resource !== 'object' || Array.isArray(rule.resource)) add('/resource', 'must be a mapping of kinds, namespaces, refs and owners', 'type');
    else {
      const resource = rule.resource as Record<string, unknown>;
      for (const [key, value] of Object.entries(resource)) {
        if (!['kinds', 'namespaces', 'refs', 'owners'].includes(key)) add(`/resource/${key}`, 'is not a resource field (expected kinds, namespaces, refs, owners)', 'additionalProperties');
        else if (!Array.isArray(value) || value.length === 0 || value.some(v => typeof v !== 'string' || v === '')) add(`/resource/${key}`, 'must be a non-empty list of text', 'type');
        else if (key === 'owners') value.forEach((v, i) => ENTITY_REF.test(v as string) || add(`/resource/owners/${i}`, "must be a full ref such as 'group:default/checkout-team'", 'pattern'));
      }
    }
  }
  if (rule.input !== undefined) errors.push(...validateInputConditions(rule.input, '/input'));
  return errors;
}
