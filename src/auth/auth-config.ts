import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks } from '../core/field-checks.js';
import { validateAuthRule, type AuthRule } from './auth-rule.js';

/** Sign-in through an OpenID Connect provider (`auth.oidc`; PAVE_OIDC_ISSUER, PAVE_OIDC_CLIENT_ID, PAVE_OIDC_CLIENT_SECRET). */
export interface OidcConfig {
  /** The provider's issuer URL (its discovery document is at `/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE only). Prefer PAVE_OIDC_CLIENT_SECRET over the file. */
  clientSecret?: string;
  /** Scopes asked for; `openid` is always included. */
  scopes: string[];
  /** The claim that identifies the person, e.g. `email` or `preferred_username`. */
  userClaim: string;
  /** The User entity field the claim is matched to, e.g. `spec.profile.email` or `metadata.name`. */
  userField: string;
}

/** Sign-in, API tokens, permission rules and rate limits (`auth:` in `pave.config.yaml`). */
export interface AuthConfig {
  /** Production mode: every route needs a signed-in caller allowed by a rule. Off: everyone acts as an anonymous admin. */
  enabled: boolean;
  /** Offer a guest sign-in that acts as `guestUser` (for demos; a warning is logged while on). */
  guest: boolean;
  /** The User entity a guest acts as. */
  guestUser: string;
  /** Members of this group (and of its child groups) administer rules and other people's tokens. */
  adminGroup: string;
  /** Members of this group (and of its child groups) publish capabilities, templates and locations under the default policy. */
  platformGroup: string;
  /** Include Pave's built-in rules (see src/auth/default-policy.ts) besides `rules` and stored rules. */
  defaultPolicy: boolean;
  rules: AuthRule[];
  oidc?: OidcConfig;
  /** How long a portal session lasts, in hours. */
  sessionTtlHours: number;
  /** Longest allowed API token lifetime, in days; tokens without an expiry get this one. */
  tokenMaxTtlDays: number;
  /** Requests per minute to the routes that cost the server most; see {@link RateLimits}. */
  rateLimit: RateLimits;
}

/**
 * Requests per minute allowed to each group of costly routes, counted in the store (replicas share each
 * count). Sign-in and tokens count per client address; the others per signed-in principal (per address
 * for a caller nobody signed in as), so one person or script cannot starve everyone else.
 */
export interface RateLimits {
  signInPerMinute: number;
  tokensPerMinute: number;
  /** `GET /api/search`. */
  searchPerMinute: number;
  /** Golden-path dry runs. */
  dryRunsPerMinute: number;
  /** Golden-path tasks created. */
  tasksPerMinute: number;
  /** Platform dry-run renders. */
  rendersPerMinute: number;
  /** Location registrations and on-demand refreshes. */
  locationsPerMinute: number;
  /** Entity edits and deletions. */
  editsPerMinute: number;
}

/** Generous for people and well-behaved scripts, small enough that one caller cannot stall a server. */
export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({
  signInPerMinute: 20,
  tokensPerMinute: 30,
  searchPerMinute: 300,
  dryRunsPerMinute: 30,
  tasksPerMinute: 30,
  rendersPerMinute: 60,
  locationsPerMinute: 30,
  editsPerMinute: 120,
});

/** A fresh copy of the auth defaults (production mode, no guest, no OIDC until configured). */
export function defaultAuthConfig(): AuthConfig {
  return {
    enabled: true,
    guest: false,
    guestUser: 'user:default/priya.raman',
    adminGroup: 'group:default/platform-team',
    platformGroup: 'group:default/platform-team',
    defaultPolicy: true,
    rules: [],
    sessionTtlHours: 12,
    tokenMaxTtlDays: 365,
    rateLimit: { ...DEFAULT_RATE_LIMITS },
  };
}

/** `1`, `true` or `yes` (any case), as the PAVE_AUTH_* switches are written. */
function isOn(value: string): boolean {
  return ['1', 'true', 'yes'].includes(value.toLowerCase());
}

/**
 * The auth section: production mode with Pave's default policy; `rateLimit` filled in key by key over its
 * defaults; PAVE_AUTH_ENABLED, PAVE_AUTH_GUEST and PAVE_OIDC_ISSUER/_CLIENT_ID/_CLIENT_SECRET; a guest
 * sign-in with the demo organisation unless the configuration says otherwise.
 * @example loadConfig({ env: { PAVE_AUTH_ENABLED: 'false' } }).auth.enabled // false
 */
export const authConfigSection: ConfigSection<'auth', AuthConfig> = {
  key: 'auth',
  defaults: defaultAuthConfig,
  nested: ['rateLimit'],
  fromEnvironment(auth, { env, given, settings }) {
    const read = { ...auth };
    if (env.PAVE_AUTH_ENABLED) read.enabled = isOn(env.PAVE_AUTH_ENABLED);
    // The demo organisation comes with a guest sign-in unless the configuration says otherwise.
    if (settings.demo && given.guest === undefined) read.guest = true;
    if (env.PAVE_AUTH_GUEST) read.guest = isOn(env.PAVE_AUTH_GUEST);
    if (env.PAVE_OIDC_ISSUER || env.PAVE_OIDC_CLIENT_ID || env.PAVE_OIDC_CLIENT_SECRET) {
      const oidc: Partial<OidcConfig> = { ...read.oidc };
      if (env.PAVE_OIDC_ISSUER) oidc.issuer = env.PAVE_OIDC_ISSUER;
      if (env.PAVE_OIDC_CLIENT_ID) oidc.clientId = env.PAVE_OIDC_CLIENT_ID;
      if (env.PAVE_OIDC_CLIENT_SECRET) oidc.clientSecret = env.PAVE_OIDC_CLIENT_SECRET;
      read.oidc = oidc as OidcConfig;
    }
    if (read.oidc) {
      const oidc: Partial<OidcConfig> = read.oidc;
      read.oidc = { scopes: ['openid', 'email', 'profile'], userClaim: 'email', userField: 'spec.profile.email', ...oidc } as OidcConfig;
    }
    return read;
  },
  validate: auth =>
    fieldChecks(check => {
      check(typeof auth.enabled === 'boolean', '/enabled', 'must be true or false (PAVE_AUTH_ENABLED)');
      check(typeof auth.guest === 'boolean', '/guest', 'must be true or false (PAVE_AUTH_GUEST)');
      check(typeof auth.guestUser === 'string' && /^user:[^\s:/]+\/[^\s/]+$/i.test(auth.guestUser), '/guestUser', "must be a User ref such as 'user:default/priya.raman'");
      check(typeof auth.adminGroup === 'string' && /^group:[^\s:/]+\/[^\s/]+$/i.test(auth.adminGroup), '/adminGroup', "must be a Group ref such as 'group:default/platform-team'");
      check(typeof auth.platformGroup === 'string' && /^group:[^\s:/]+\/[^\s/]+$/i.test(auth.platformGroup), '/platformGroup', "must be a Group ref such as 'group:default/platform-team'");
      check(typeof auth.defaultPolicy === 'boolean', '/defaultPolicy', 'must be true or false');
      check(Number.isFinite(auth.sessionTtlHours) && auth.sessionTtlHours > 0, '/sessionTtlHours', 'must be a positive number of hours');
      check(Number.isFinite(auth.tokenMaxTtlDays) && auth.tokenMaxTtlDays > 0, '/tokenMaxTtlDays', 'must be a positive number of days');
      const rate = (auth.rateLimit ?? {}) as unknown as Partial<Record<string, unknown>>;
      for (const key of Object.keys(DEFAULT_RATE_LIMITS)) {
        const value = rate[key];
        check(Number.isInteger(value) && (value as number) > 0, `/rateLimit/${key}`, 'must be a positive whole number (requests per minute)');
      }
      if (!Array.isArray(auth.rules)) check(false, '/rules', 'must be a list of rules');
      else {
        const ids = new Set<string>();
        auth.rules.forEach((rule, i) => {
          for (const error of validateAuthRule(rule)) check(false, `/rules/${i}${error.pointer}`, error.detail);
          const id = (rule as { id?: unknown }).id;
          if (typeof id !== 'string') return;
          check(!ids.has(id), `/rules/${i}/id`, `repeats the id ${id}`);
          ids.add(id);
        });
      }
      if (auth.oidc !== undefined) {
        const oidc = auth.oidc;
        check(typeof oidc.issuer === 'string' && /^https?:\/\/[^\s]+$/.test(oidc.issuer), '/oidc/issuer', 'must be the issuer URL (PAVE_OIDC_ISSUER)');
        check(typeof oidc.clientId === 'string' && oidc.clientId !== '', '/oidc/clientId', 'must be the client id registered with the provider (PAVE_OIDC_CLIENT_ID)');
        check(oidc.clientSecret === undefined || typeof oidc.clientSecret === 'string', '/oidc/clientSecret', 'must be text (PAVE_OIDC_CLIENT_SECRET)');
        check(Array.isArray(oidc.scopes) && oidc.scopes.every(s => typeof s === 'string'), '/oidc/scopes', 'must be a list of scopes');
        check(typeof oidc.userClaim === 'string' && oidc.userClaim !== '', '/oidc/userClaim', "must name a claim, e.g. 'email'");
        check(typeof oidc.userField === 'string' && /^(spec|metadata)\.[A-Za-z0-9_.\/-]+$/.test(oidc.userField), '/oidc/userField', "must name a User entity field, e.g. 'spec.profile.email' or 'metadata.name'");
      }
    }),
};
