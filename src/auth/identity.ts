/**
 * Who is asking. Every request, CLI command and (later) MCP call acts as one identity. Users come
 * from the catalog (their groups, transitively); services from their token. Pure data.
 */

/** Roles a rule can name as `role:<name>`; `owner` is decided per resource, so it is not listed here. */
export type Role = 'signed-in' | 'guest' | 'admin';

/** How the identity was established. */
export type IdentityVia = 'session' | 'token' | 'guest' | 'disabled' | 'local' | 'none';

export interface Identity {
  /** `user:<ns>/<name>`, `service:<name>`, `cli:<os user>` or `anonymous`; audit entries name it. */
  principal: string;
  /** The User entity, for people. */
  userRef?: string;
  /** Every group the identity belongs to: direct groups and all their ancestors (canonical refs). */
  groups: readonly string[];
  roles: readonly Role[];
  /** Action globs a token is limited to; absent means no limit beyond the rules. */
  scopes?: readonly string[];
  via: IdentityVia;
  tokenId?: string;
  displayName?: string;
  email?: string;
}

/** Nobody: no credentials were given. */
export const ANONYMOUS: Identity = Object.freeze({ principal: 'anonymous', groups: [], roles: [], via: 'none' as const });

/** What every request acts as while `auth.enabled` is false: an anonymous administrator. */
export const AUTH_DISABLED: Identity = Object.freeze({ principal: 'anonymous', groups: [], roles: ['signed-in', 'admin'] as Role[], via: 'disabled' as const });

export function isSignedIn(identity: Identity): boolean {
  return identity.roles.includes('signed-in');
}

/** The one-line form used in logs and explanations, e.g. `user:default/jane (session)`. */
export function describeIdentity(identity: Identity): string {
  return `${identity.principal} (${identity.via})`;
}
