/**
 * The auth module's tables: stored permission rules, API tokens, portal sessions and sign-ins under way.
 * They join the store's `Database` by declaration merging (the store declares only its own). Every file
 * that queries them imports this file, for types only, so each compilation holding such a file sees them.
 */

declare module '../store/schema.js' {
  interface Database {
    auth_rules: AuthRulesTable;
    auth_tokens: AuthTokensTable;
    auth_sessions: AuthSessionsTable;
    auth_pending_logins: AuthPendingLoginsTable;
  }
}

/** Permission rules saved through the API (rules from configuration are not stored). */
export interface AuthRulesTable {
  id: string;
  /** The rule as JSON text. */
  body: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** API tokens. Only the SHA-256 of the secret is kept; the secret is shown once, at creation. */
export interface AuthTokensTable {
  id: string;
  name: string;
  /** `personal` (acts as a user) or `service` (acts as `service:<name>`). */
  kind: string;
  /** `user:<ns>/<name>` or `service:<name>`. */
  principal: string;
  /** JSON list of group refs a service token acts for (empty for personal tokens: their groups come from the catalog). */
  groups: string;
  /** JSON list of action globs the token may be used for. */
  scopes: string;
  secret_hash: string;
  /** The first characters of the secret, to recognise a token in listings. */
  prefix: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  last_used_at: string | null;
}

/** Portal sessions; the cookie holds the secret, the row its SHA-256. */
export interface AuthSessionsTable {
  id_hash: string;
  user_ref: string;
  /** `oidc` or `guest`. */
  method: string;
  /** Double-submit token the portal sends back in `x-pave-csrf`. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** OpenID Connect sign-ins under way: PKCE verifier, state and nonce, keyed by the hash of a cookie. */
export interface AuthPendingLoginsTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: string;
}
