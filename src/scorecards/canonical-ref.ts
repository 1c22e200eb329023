import { parseEntityRef, stringifyEntityRef } from '../core/entity-ref.js';

/**
 * A ref in canonical form, with a default kind (and namespace); the ref itself, lower-cased, when unreadable.
 * @example canonicalRef('team-a', 'group') // 'group:default/team-a'
 */
export function canonicalRef(ref: string, defaultKind: string, defaultNamespace = 'default'): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind, defaultNamespace }));
  } catch {
    return ref.toLowerCase();
  }
}
