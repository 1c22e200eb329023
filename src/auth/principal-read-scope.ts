/**
 * What a recorded identity may read when work it started runs later, without its credentials: a
 * golden-path task, run by the worker after the request that created it has ended. The task records
 * how its creator acted (`recorded-identity.ts`: principal, how it signed in, its token's scopes and id), and
 * the identity is rebuilt from that record the way a request would build it, so the decision is the one
 * the creator would get now: groups read afresh from the catalog, the token's scopes and the guest role
 * kept. A creator that can no longer act (a User gone from the catalog, a revoked or expired token)
 * reads nothing.
 */
import { isPaveError } from '../core/problem.js';
import { ALL_ENTITIES, NO_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { AuthService } from './auth-service.js';
import type { Identity } from './identity.js';
import type { RecordedIdentity } from './recorded-identity.js';

/**
 * The entities `recorded` may act on with `action` now; nothing when it can no longer act.
 * @example await principalReadScope(app.auth, task.spec.identity, 'catalog.entity.read')
 */
export async function principalReadScope(auth: AuthService, recorded: RecordedIdentity | undefined, action: string): Promise<EntityScope> {
  // No rules apply: authorization is off; the work was made while it was off (nobody is recorded);
  // or the local operator made it, who holds the store and so reads everything anyway.
  if (!auth.enabled || recorded === undefined || recorded.via === 'local') return ALL_ENTITIES;
  const identity = await identityOf(auth, recorded);
  return identity ? auth.permissions.readScope(identity, action) : NO_ENTITIES;
}

/** The identity a record acts as now; undefined for a removed User or a token no longer active. */
async function identityOf(auth: AuthService, recorded: RecordedIdentity): Promise<Identity | undefined> {
  const extra = { ...(recorded.scopes ? { scopes: recorded.scopes } : {}), ...(recorded.tokenId ? { tokenId: recorded.tokenId } : {}) };
  if (recorded.via === 'token') {
    const tokens = await auth.tokens.list(auth.localOperator(), { principal: recorded.principal });
    const token = tokens.find(candidate => candidate.id === recorded.tokenId && candidate.state === 'active');
    if (!token) return undefined;
    if (token.kind === 'service') return auth.permissions.identityForService(recorded.principal, token.groups, extra);
  }
  try {
    return await auth.permissions.identityForUser(recorded.principal, recorded.via, extra);
  } catch (error) {
    if (isPaveError(error) && error.status === 401) return undefined; // no longer a User in the catalog
    throw error;
  }
}
