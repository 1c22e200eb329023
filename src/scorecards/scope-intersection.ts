import { NO_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';

/**
 * The entities both scopes let a reader see: what the scorecards routes read under (the caller's catalog
 * read scope and their scorecards read scope). Pure.
 * @example bothScopes(ALL_ENTITIES, scope) === scope
 */
export function bothScopes(a: EntityScope, b: EntityScope): EntityScope {
  if (a.type === 'none' || b.type === 'none') return NO_ENTITIES;
  if (a.type === 'all') return b;
  if (b.type === 'all') return a;
  const allow = a.allow.flatMap(left => b.allow.map(right => [...left, ...right]));
  return allow.length ? { type: 'some', allow, deny: [...a.deny, ...b.deny] } : NO_ENTITIES;
}

