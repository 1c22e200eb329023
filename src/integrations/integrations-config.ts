/**
 * Where hosted git providers are and how Pave signs in to them (`integrations:` in `pave.config.yaml`),
 * shaped like Backstage's `integrations` so an adopter's section carries over. Secrets are references
 * ({@link SecretRef}), never values. Publishers use this section today; the catalog can read hosted URLs
 * through it later.
 */
import type { ConfigSection } from '../core/config-section.js';
import { fieldChecks, type FieldCheck } from '../core/field-checks.js';
import { isSecretRef, SECRET_REF_RULE, type SecretRef } from './secret-ref.js';

/** A GitHub App Pave acts as: its installation on the repository's owner gives a short-lived token. */
export interface GithubAppConfig {
  appId: number;
  privateKey: SecretRef;
  /** Only these owners (organisations or users); default any owner the app is installed on. */
  allowedInstallationOwners?: string[];
}

export interface GithubIntegration {
  host: string;
  /** Default `https://api.github.com` for github.com, else `https://<host>/api/v3` (GitHub Enterprise Server). */
  apiBaseUrl?: string;
  token?: SecretRef;
  apps?: GithubAppConfig[];
}

export interface GitlabIntegration {
  host: string;
  /** Default `https://<host>/api/v4`. */
  apiBaseUrl?: string;
  token?: SecretRef;
}

export interface BitbucketServerIntegration {
  host: string;
  /** Default `https://<host>/rest/api/1.0`. */
  apiBaseUrl?: string;
  /** An HTTP access token (Bearer); or username and password. */
  token?: SecretRef;
  username?: string;
  password?: SecretRef;
}

export interface GiteaIntegration {
  host: string;
  /** Default `https://<host>`; the API is `<baseUrl>/api/v1`. */
  baseUrl?: string;
  token?: SecretRef;
  username?: string;
  password?: SecretRef;
}

export interface IntegrationsConfig {
  github: GithubIntegration[];
  gitlab: GitlabIntegration[];
  bitbucketServer: BitbucketServerIntegration[];
  gitea: GiteaIntegration[];
}

export type ProviderKind = keyof IntegrationsConfig;

const HOST = /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

function checkCommon(check: FieldCheck, entry: Record<string, unknown>, at: string, urlKey: string): void {
  check(typeof entry.host === 'string' && HOST.test(entry.host), `${at}/host`, "must be a host name such as 'github.com' (a port may follow)");
  check(entry[urlKey] === undefined || (typeof entry[urlKey] === 'string' && HTTP_URL.test(entry[urlKey])), `${at}/${urlKey}`, 'must be an http(s) URL');
  for (const key of ['token', 'password']) check(entry[key] === undefined || isSecretRef(entry[key]), `${at}/${key}`, SECRET_REF_RULE);
  check(entry.username === undefined || (typeof entry.username === 'string' && entry.username !== ''), `${at}/username`, 'must be a user name');
}

/**
 * The integrations section: empty lists by default (no provider configured).
 * @example loadConfig({ file }).integrations.github // [{ host: 'github.com', token: { $env: 'GITHUB_TOKEN' } }]
 */
export const integrationsConfigSection: ConfigSection<'integrations', IntegrationsConfig> = {
  key: 'integrations',
  defaults: () => ({ github: [], gitlab: [], bitbucketServer: [], gitea: [] }),
  validate: section =>
    fieldChecks(check => {
      const urlKeys: Record<ProviderKind, string> = { github: 'apiBaseUrl', gitlab: 'apiBaseUrl', bitbucketServer: 'apiBaseUrl', gitea: 'baseUrl' };
      for (const kind of Object.keys(urlKeys) as ProviderKind[]) {
        const list: unknown = section[kind];
        if (!Array.isArray(list)) {
          check(false, `/${kind}`, 'must be a list of hosts');
          continue;
        }
        const hosts = new Set<string>();
        list.forEach((entry: Record<string, unknown>, i) => {
          if (typeof entry !== 'object' || entry === null) return check(false, `/${kind}/${i}`, 'must be a mapping with a host');
          checkCommon(check, entry, `/${kind}/${i}`, urlKeys[kind]);
          check(!hosts.has(String(entry.host)), `/${kind}/${i}/host`, `repeats the host ${String(entry.host)}`);
          hosts.add(String(entry.host));
          if (kind !== 'github' || entry.apps === undefined) return;
          if (!Array.isArray(entry.apps)) return check(false, `/${kind}/${i}/apps`, 'must be a list of apps');
          (entry.apps as Array<Record<string, unknown>>).forEach((app, j) => {
            check(Number.isInteger(app?.appId) && (app.appId as number) > 0, `/${kind}/${i}/apps/${j}/appId`, "must be the app's numeric id");
            check(isSecretRef(app?.privateKey), `/${kind}/${i}/apps/${j}/privateKey`, SECRET_REF_RULE);
            const owners = app?.allowedInstallationOwners;
            check(owners === undefined || (Array.isArray(owners) && owners.every(o => typeof o === 'string')), `/${kind}/${i}/apps/${j}/allowedInstallationOwners`, 'must be a list of owner names');
          });
        });
      }
    }),
};
