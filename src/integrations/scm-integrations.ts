/**
 * The configured git providers by host, and how to sign in to one: REST API headers and git-over-HTTP
 * credentials, from a token the step was given (a user's, from the task's secrets), else the host's
 * configured token, else (GitHub) an app installed on the repository's owner. Secrets are read when
 * asked for, never kept.
 */
import { invalidInput, unauthorized } from '../core/problem.js';
import { installationToken } from './github-app-token.js';
import { hostedBlobApiUrl } from './hosted-blob.js';
import type { IntegrationsConfig, ProviderKind } from './integrations-config.js';
import { readSecret, type SecretRef } from './secret-ref.js';

/** A configured host of one provider, with its API's base URL filled in. */
export interface ProviderHost {
  kind: ProviderKind;
  host: string;
  /** REST API root without a trailing slash (GitHub `…/api/v3`, GitLab `…/api/v4`, Bitbucket Server `…/rest/api/1.0`, Gitea `…/api/v1`). */
  apiBaseUrl: string;
}

/** What a publisher signs in with. */
export interface ProviderCredentials {
  /** Headers for the REST API. */
  apiHeaders: Record<string, string>;
  /** Basic credentials for git over HTTP. */
  git: { username: string; password: string };
}

const PROVIDER_NAMES: Record<ProviderKind, string> = { github: 'GitHub', gitlab: 'GitLab', bitbucketServer: 'Bitbucket Server', gitea: 'Gitea' };

/** The provider's name as messages say it. */
export function providerName(kind: ProviderKind): string {
  return PROVIDER_NAMES[kind];
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export class ScmIntegrations {
  readonly #config: IntegrationsConfig;
  readonly #env: NodeJS.ProcessEnv;

  constructor(config: IntegrationsConfig, env: NodeJS.ProcessEnv = process.env) {
    this.#config = config;
    this.#env = env;
  }

  /** The configured host of a provider, or undefined. */
  find(kind: ProviderKind, host: string): ProviderHost | undefined {
    const entry = this.#entry(kind, host);
    if (!entry) return undefined;
    return { kind, host: entry.host, apiBaseUrl: trim(entry.apiBaseUrl ?? (entry.baseUrl ? `${entry.baseUrl}/api/v1` : defaultApiBaseUrl(kind, entry.host))) };
  }

  /** The configured host, or a 422 on `input.repoUrl` saying which section to add. */
  require(kind: ProviderKind, host: string): ProviderHost {
    const found = this.find(kind, host);
    if (found) return found;
    throw invalidInput(`input.repoUrl: ${host} is not a configured ${providerName(kind)} host; add it under integrations.${kind} in pave.config.yaml`, [
      { pointer: '/repoUrl', detail: `${host} is not in integrations.${kind}`, rule: 'integration' },
    ]);
  }

  /** Every configured host, for pages and checks that list them. */
  hosts(): ProviderHost[] {
    return (Object.keys(this.#config) as ProviderKind[]).flatMap(kind => this.#config[kind].map(entry => this.find(kind, entry.host)!));
  }

  /**
   * How to sign in to a host for a repository of `owner`: `token` (given to the step) first, then the
   * host's own token, then (GitHub) an app installed on the owner. None at all is a 401 naming the options.
   */
  async credentials(target: ProviderHost, options: { owner?: string; token?: string; signal?: AbortSignal } = {}): Promise<ProviderCredentials> {
    const what = (field: string, i: number) => `integrations.${target.kind}[${i}].${field}`;
    const index = this.#config[target.kind].findIndex(e => e.host.toLowerCase() === target.host.toLowerCase());
    const entry = this.#config[target.kind][index] as { token?: SecretRef; username?: string; password?: SecretRef; apps?: IntegrationsConfig['github'][number]['apps'] };
    const secret = async (field: 'token' | 'password') => (entry[field] ? readSecret(entry[field], what(field, index), this.#env) : undefined);
    const given = options.token?.trim() || undefined;
    switch (target.kind) {
      case 'github': {
        const token = given ?? (await secret('token')) ?? (await this.#appToken(target, entry.apps ?? [], options.owner, index, options.signal));
        if (!token) throw this.#noCredentials(target);
        return { apiHeaders: { authorization: `token ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }, git: { username: 'x-access-token', password: token } };
      }
      case 'gitlab': {
        // A token given to the step is the user's OAuth token (Bearer); the configured one a personal or group token.
        const token = given ?? (await secret('token'));
        if (!token) throw this.#noCredentials(target);
        return { apiHeaders: given ? { authorization: `Bearer ${token}` } : { 'private-token': token }, git: { username: 'oauth2', password: token } };
      }
      case 'bitbucketServer':
      case 'gitea': {
        const token = given ?? (await secret('token'));
        if (token) {
          const header = target.kind === 'gitea' ? `token ${token}` : `Bearer ${token}`;
          return { apiHeaders: { authorization: header }, git: { username: entry.username ?? 'x-token-auth', password: token } };
        }
        const password = await secret('password');
        if (!entry.username || !password) throw this.#noCredentials(target);
        return { apiHeaders: { authorization: basic(entry.username, password) }, git: { username: entry.username, password } };
      }
    }
  }

  /**
   * How to read a hosted file's web URL (a GitHub, GitLab, Bitbucket Server or Gitea file page) on a configured
   * host: its provider's raw-file API URL and the headers that sign in with the host's credentials. Undefined
   * when the URL is not a file page of a configured host, or the host has no credentials to read with (the
   * caller then clones it as anyone may).
   * @example const request = await integrations.hostedBlob(new URL('https://github.com/acme/api/blob/main/openapi.yaml'));
   */
  async hostedBlob(url: URL, signal?: AbortSignal): Promise<{ url: string; headers: Record<string, string> } | undefined> {
    for (const kind of Object.keys(this.#config) as ProviderKind[]) {
      const target = this.find(kind, url.host);
      const api = target && hostedBlobApiUrl(kind, target.apiBaseUrl, url);
      if (!target || !api) continue;
      const owner = url.pathname.split('/').filter(Boolean)[0];
      const credentials = await this.credentials(target, { ...(owner ? { owner } : {}), ...(signal ? { signal } : {}) }).catch(() => undefined);
      if (!credentials) return undefined;
      // GitHub answers the file itself, not its JSON description, for the raw media type.
      return { url: api, headers: { ...credentials.apiHeaders, ...(kind === 'github' ? { accept: 'application/vnd.github.raw' } : {}) } };
    }
    return undefined;
  }

  /**
   * Whether a repository's clone URL is on a configured host, and the git credentials to clone it with. None
   * when the host has none, or when the URL's origin is not the integration's own (`http:` where it serves
   * https, say: the token would cross the network in the clear): then it is cloned as anyone may. Undefined
   * for a host no integration names.
   * @example const hosted = await integrations.hostedClone(new URL('https://github.com/acme/shop.git'));
   */
  async hostedClone(repository: URL, signal?: AbortSignal): Promise<{ credentials?: { username: string; password: string } } | undefined> {
    for (const kind of Object.keys(this.#config) as ProviderKind[]) {
      const target = this.find(kind, repository.host);
      if (!target) continue;
      if (repository.origin !== this.#webOrigin(kind, target.host)) return {};
      const segments = repository.pathname.split('/').filter(Boolean);
      // Bitbucket Server serves clones under /scm/<key>/; the owner is the segment after it.
      const owner = segments[0] === 'scm' ? segments[1] : segments[0];
      const credentials = await this.credentials(target, { ...(owner ? { owner } : {}), ...(signal ? { signal } : {}) }).catch(() => undefined);
      return credentials ? { credentials: credentials.git } : {};
    }
    return undefined;
  }

  /** The origin a host's web pages and clones are served from: https, unless its configured base URL (or API URL) says http. */
  #webOrigin(kind: ProviderKind, host: string): string {
    const entry = this.#entry(kind, host);
    const configured = entry?.baseUrl ?? entry?.apiBaseUrl;
    const scheme = configured && URL.canParse(configured) && new URL(configured).protocol === 'http:' ? 'http:' : 'https:';
    return new URL(`${scheme}//${host}`).origin;
  }

  #entry(kind: ProviderKind, host: string): { host: string; apiBaseUrl?: string; baseUrl?: string } | undefined {
    return (this.#config[kind] as Array<{ host: string; apiBaseUrl?: string; baseUrl?: string }>).find(e => e.host.toLowerCase() === host.toLowerCase());
  }

  async #appToken(target: ProviderHost, apps: NonNullable<IntegrationsConfig['github'][number]['apps']>, owner: string | undefined, index: number, signal?: AbortSignal): Promise<string | undefined> {
    if (!owner) return undefined;
    for (const [j, app] of apps.entries()) {
      if (app.allowedInstallationOwners && !app.allowedInstallationOwners.some(o => o.toLowerCase() === owner.toLowerCase())) continue;
      const privateKeyPem = await readSecret(app.privateKey, `integrations.github[${index}].apps[${j}].privateKey`, this.#env);
      const token = await installationToken(target.apiBaseUrl, { appId: app.appId, privateKeyPem }, owner, signal);
      if (token) return token;
    }
    return undefined;
  }

  #noCredentials(target: ProviderHost) {
    const options = target.kind === 'github' ? 'a token or a GitHub App' : target.kind === 'gitlab' ? 'a token' : 'a token, or a username and password';
    return unauthorized(`No credentials for ${target.host}: configure ${options} under integrations.${target.kind} (from the environment or a file), or give the step input.token`);
  }
}

function defaultApiBaseUrl(kind: ProviderKind, host: string): string {
  if (kind === 'github') return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
  if (kind === 'gitlab') return `https://${host}/api/v4`;
  if (kind === 'bitbucketServer') return `https://${host}/rest/api/1.0`;
  return `https://${host}/api/v1`;
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}
