/**
 * A GitHub App's installation token, as GitHub documents it: a JWT signed with the app's private key
 * (RS256, `iss` the app id, valid under ten minutes) finds the app's installation on the repository's
 * owner (`GET /orgs/{owner}/installation`, else `/users/{owner}/installation`) and exchanges it for a
 * token valid for an hour (`POST /app/installations/{id}/access_tokens`). Tokens are kept until five
 * minutes before they expire.
 */
import { createPrivateKey, createSign } from 'node:crypto';
import { forbidden, isPaveError } from '../core/problem.js';
import { providerRequest } from './provider-api.js';

export interface GithubAppCredentials {
  appId: number;
  privateKeyPem: string;
}

/** The app's JWT (`iat` a minute back for clock drift, `exp` nine minutes ahead). */
export function githubAppJwt(app: GithubAppCredentials, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: nowSeconds - 60, exp: nowSeconds + 540, iss: String(app.appId) })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(createPrivateKey(app.privateKeyPem)).toString('base64url');
  return `${unsigned}.${signature}`;
}

const cache = new Map<string, { token: string; expiresAt: number }>();
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * An installation token for `owner`, or undefined when the app is not installed there.
 * @example await installationToken('https://api.github.com', app, 'acme')
 */
export async function installationToken(apiBaseUrl: string, app: GithubAppCredentials, owner: string, signal?: AbortSignal): Promise<string | undefined> {
  const key = `${apiBaseUrl}|${app.appId}|${owner.toLowerCase()}`;
  const cached = cache.get(key);
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return cached.token;
  const headers = { authorization: `Bearer ${githubAppJwt(app)}`, accept: 'application/vnd.github+json' };
  let installation: { id: number } | undefined;
  for (const kind of ['orgs', 'users']) {
    try {
      installation = await providerRequest<{ id: number }>('GitHub', { url: `${apiBaseUrl}/${kind}/${encodeURIComponent(owner)}/installation`, headers, ...(signal ? { signal } : {}) });
      break;
    } catch (error) {
      if (!(isPaveError(error) && error.status === 404)) throw error;
    }
  }
  if (!installation) return undefined;
  const granted = await providerRequest<{ token: string; expires_at: string }>('GitHub', {
    method: 'POST',
    url: `${apiBaseUrl}/app/installations/${installation.id}/access_tokens`,
    headers,
    ...(signal ? { signal } : {}),
  });
  if (!granted?.token) throw forbidden(`GitHub gave app ${app.appId} no installation token for ${owner}`);
  cache.set(key, { token: granted.token, expiresAt: Date.parse(granted.expires_at) || Date.now() + 30 * 60_000 });
  return granted.token;
}
