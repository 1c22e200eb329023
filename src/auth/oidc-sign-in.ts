import type * as OpenIdClient from 'openid-client';
import type { OidcConfig } from './auth-config.js';
import { badRequest, unauthorized, unavailable } from '../core/problem.js';
import type { Logger } from '../core/logger.js';
import type { PendingLogin, SessionService } from './session-service.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * OpenID Connect sign-in with the authorization code flow and PKCE (S256), through `openid-client`.
 * `start` remembers state, nonce and verifier in the store and gives the provider's URL; `finish`
 * checks the callback and returns the identity's claims (from the ID token, else from userinfo).
 * The provider's metadata is discovered on first use. Plain HTTP is accepted only for loopback issuers.
 * @example
 *   const { url, loginSecret } = await oidc.start('/catalog');  // redirect to url, set loginSecret as a cookie
 *   const { claims, returnTo } = await oidc.finish(callbackUrl, loginSecret);
 */
export class OidcSignIn {
  readonly #config: () => { oidc?: OidcConfig; baseUrl: string };
  readonly #sessions: SessionService;
  readonly #logger?: Logger;
  #discovered?: Promise<OpenIdClient.Configuration>;

  /** `config` is read on each use, so the redirect URI follows the base URL Pave is reached at. */
  constructor(options: { config: () => { oidc?: OidcConfig; baseUrl: string }; sessions: SessionService; logger?: Logger }) {
    this.#config = options.config;
    this.#sessions = options.sessions;
    this.#logger = options.logger;
  }

  get enabled(): boolean {
    return this.#config().oidc !== undefined;
  }

  /** Where the provider sends the browser back: `<baseUrl>/api/auth/callback`. */
  redirectUri(): string {
    return new URL('/api/auth/callback', this.#config().baseUrl).href;
  }

  async start(returnTo: string): Promise<{ url: URL; loginSecret: string }> {
    const oidc = this.#settings();
    const configuration = await this.#discover();
    const client = await openIdClient();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingLogin = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier, returnTo };
    const loginSecret = await this.#sessions.beginLogin(pending);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(),
      scope: [...new Set(['openid', ...oidc.scopes])].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, loginSecret };
  }

  /** Finishes a sign-in from the callback URL; a 401 problem for anything wrong (state, code, nonce, provider error). */
  async finish(callbackUrl: URL, loginSecret: string | undefined): Promise<{ claims: Record<string, unknown>; returnTo: string }> {
    const error = callbackUrl.searchParams.get('error');
    const pending = loginSecret ? await this.#sessions.takeLogin(loginSecret) : undefined;
    if (error) throw unauthorized(`The identity provider refused the sign-in: ${error}${callbackUrl.searchParams.get('error_description') ? ` (${callbackUrl.searchParams.get('error_description')})` : ''}`);
    if (!pending) throw unauthorized('No sign-in is under way in this browser (or it took longer than 10 minutes); start again at /api/auth/login');
    const configuration = await this.#discover();
    const client = await openIdClient();
    let tokens: Awaited<ReturnType<typeof OpenIdClient.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (cause) {
      this.#logger?.warn({ err: { message: (cause as Error).message, code: (cause as { code?: string }).code } }, 'OpenID Connect callback rejected');
      throw unauthorized(`The sign-in could not be completed: ${(cause as Error).message}`);
    }
    const idClaims = (tokens.claims() ?? {}) as Record<string, unknown>;
    const claim = this.#settings().userClaim;
    if (idClaims[claim] !== undefined || typeof idClaims.sub !== 'string') return { claims: idClaims, returnTo: pending.returnTo };
    const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
    return { claims: { ...userInfo, ...idClaims }, returnTo: pending.returnTo };
  }

  #settings(): OidcConfig {
    const oidc = this.#config().oidc;
    if (!oidc) throw badRequest('OpenID Connect sign-in is not configured (auth.oidc)');
    return oidc;
  }

  #discover(): Promise<OpenIdClient.Configuration> {
    if (!this.#discovered) {
      const oidc = this.#settings();
      const issuer = new URL(oidc.issuer);
      const insecure = issuer.protocol === 'http:';
      this.#discovered = (async () => {
        if (insecure && !LOOPBACK.has(issuer.hostname)) throw unavailable(`The OpenID Connect issuer ${issuer.href} must use https (plain http only on loopback addresses)`);
        const client = await openIdClient();
        try {
          return await client.discovery(
            issuer,
            oidc.clientId,
            undefined,
            oidc.clientSecret ? client.ClientSecretBasic(oidc.clientSecret) : client.None(),
            insecure ? { execute: [client.allowInsecureRequests] } : undefined,
          );
        } catch (cause) {
          throw unavailable(`Could not reach the OpenID Connect issuer ${issuer.href}: ${(cause as Error).message}`);
        }
      })();
      // A failed discovery is tried again on the next sign-in.
      this.#discovered.catch(() => (this.#discovered = undefined));
    }
    return this.#discovered;
  }
}

/** openid-client is loaded on the first sign-in, so commands that never sign anyone in start faster. */
function openIdClient(): Promise<typeof OpenIdClient> {
  return import('openid-client');
}
