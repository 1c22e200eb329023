/**
 * What a recorded principal may read when work it started runs later, without its credentials: a
 * golden-path task, run by the worker after the request that created it has ended. Tasks record only
 * their creator's principal, so the identity is rebuilt from it the way a request would build it: a
 * person from the catalog (`identityForUser`), a service from its API tokens (`identityForService`).
 * Token scopes and the guest role are not recorded, so they do not narrow what the work reads.
 */
import { isPaveError } from '../core/problem.js';
import { ALL_ENTITIES, NO_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { AuthService } from './auth-service.js';
import type { Identity } from './identity.js';

/**
 * The entities `principal` may act on with `action` now; nothing when it can no longer act.
 * @example await principalReadScope(app.auth, task.createdBy, 'catalog.entity.read')
 */
export async function principalReadScope(auth: AuthService, principal: string | undefined, action: string): Promise<EntityScope> {
  // No rules apply: authorization is off; the work was made while it was off (nobody is recorded);
  // or the local operator (`cli:…`) made it, who holds the store and so reads everything anyway.
  if (!auth.enabled || principal === undefined || principal.startsWith('cli:')) return ALL_ENTITIES;
  const identity = await identityOf(auth, principal);
  return identity ? auth.permissions.readScope(identity, action) : NO_ENTITIES;
}

/** The identity a principal acts as now; undefined for a removed User or a service with no live token. */
async function identityOf(auth: AuthService, principal: string): Promise<Identity | undefined> {
  if (principal.startsWith('service:')) {
    const tokens = (await auth.tokens.list(auth.localOperator(), { principal })).filter(token => token.kind === 'service' && token.state === 'active');
    if (!tokens.length) return undefined;
    // Which token made the work is not recorded: only the groups every live token acts for.
    const groups = tokens.map(token => token.groups).reduce((shared, next) => shared.filter(group => next.includes(group)));
    return auth.permissions.identityForService(principal, groups);
  }
  try {
    return await auth.permissions.identityForUser(principal, 'session');
  } catch (error) {
    if (isPaveError(error) && error.status === 401) return undefined; // no longer a User in the catalog
    throw error;
  }
}
