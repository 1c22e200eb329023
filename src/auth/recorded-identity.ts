/**
 * How an identity acted, recorded with work it started so the work can be authorized as it later, after
 * the request has ended (a golden-path task's `spec.identity`; `principal-read-scope.ts` rebuilds the
 * identity from it). Pure data: no secret, no I/O.
 */
import type { Identity, IdentityVia } from './identity.js';

export interface RecordedIdentity {
  /** `user:<ns>/<name>`, `service:<name>` or `cli:<os user>`. */
  principal: string;
  via: Extract<IdentityVia, 'session' | 'guest' | 'token' | 'local'>;
  /** The token's scopes, when it acted through a token that has them. */
  scopes?: string[];
  /** The token it acted through: it must still be active, and a service takes its groups from it. */
  tokenId?: string;
}

/**
 * What to record of a request's identity; undefined for nobody (anonymous, or authorization off).
 * @example recordIdentity(request.identity) // { principal: 'user:default/jane', via: 'guest' }
 */
export function recordIdentity(identity: Identity): RecordedIdentity | undefined {
  if (identity.via === 'disabled' || identity.via === 'none') return undefined;
  return {
    principal: identity.principal,
    via: identity.via,
    ...(identity.scopes ? { scopes: [...identity.scopes] } : {}),
    ...(identity.tokenId ? { tokenId: identity.tokenId } : {}),
  };
}
