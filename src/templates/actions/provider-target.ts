/**
 * Where a hosted-provider step acts: the RepoUrlPicker value read (`host?owner=o&repo=r`), the host
 * checked against `allowedHosts` and the configured integrations, and how to sign in there. A dry run
 * resolves everything but the credentials, so it never reads a secret or calls the provider.
 */
import { Type } from '@sinclair/typebox';
import { conflict, invalidInput, isPaveError } from '../../core/problem.js';
import type { ProviderKind } from '../../integrations/integrations-config.js';
import { providerRequest } from '../../integrations/provider-api.js';
import { parseRepoUrl, requireOwner } from '../../integrations/repo-url.js';
import { providerName, type ProviderCredentials, type ProviderHost, type ScmIntegrations } from '../../integrations/scm-integrations.js';
import type { ActionContext } from './action.js';
import type { GitCredentials } from '../../git/git-credentials.js';
import { remoteBranches } from './workspace-commit.js';

export interface ProviderTarget {
  host: ProviderHost;
  /** The owner (GitHub, Gitea), group path (GitLab) or project key (Bitbucket Server). */
  owner: string;
  repo: string;
  credentials: ProviderCredentials;
}

export const REPO_URL_INPUT = Type.String({ title: 'Repository location', description: 'host?owner=o&repo=r, as RepoUrlPicker writes it' });
export const TOKEN_INPUT = Type.Optional(Type.String({ title: 'Token', description: "A token to act with instead of the integration's (take it from secrets; it is never logged)" }));
export const ALLOWED_HOSTS_INPUT = Type.Optional(Type.Array(Type.String(), { description: 'Refuse repositories on other hosts' }));
export const VISIBILITY_INPUT = Type.Optional(Type.Union([Type.Literal('private'), Type.Literal('internal'), Type.Literal('public')], { description: 'Default private' }));

/** What every publisher that creates a repository takes besides its own settings (Backstage's names). */
export const NEW_REPOSITORY_INPUTS = {
  repoUrl: REPO_URL_INPUT,
  description: Type.Optional(Type.String()),
  repoVisibility: VISIBILITY_INPUT,
  defaultBranch: Type.Optional(Type.String({ description: 'Default main', pattern: '^[A-Za-z0-9._/-]+$' })),
  token: TOKEN_INPUT,
  allowedHosts: ALLOWED_HOSTS_INPUT,
};

/** The target a step's `repoUrl` names on a provider of `kind`. */
export async function providerTarget(
  ctx: ActionContext<unknown>,
  integrations: ScmIntegrations,
  kind: ProviderKind,
  input: { repoUrl: string; token?: string; allowedHosts?: string[] },
  ownerKey: 'owner' | 'project' = 'owner',
): Promise<ProviderTarget> {
  const location = parseRepoUrl(input.repoUrl);
  if (input.allowedHosts && !input.allowedHosts.includes(location.host)) {
    throw invalidInput(`input.repoUrl: host ${location.host} is not in allowedHosts (${input.allowedHosts.join(', ')})`, [{ pointer: '/repoUrl', detail: 'host is not allowed', rule: 'allowed-hosts' }]);
  }
  const host = integrations.require(kind, location.host);
  const owner = requireOwner(location, ownerKey);
  const credentials = ctx.dryRun ? { apiHeaders: {}, git: { username: '', password: '' } } : await integrations.credentials(host, { owner, ...(input.token ? { token: input.token } : {}), signal: ctx.signal });
  return { host, owner, repo: location.repo, credentials };
}

/** `https://<host>/<owner>/<repo>`: what a dry run shows for a repository it does not touch. */
export function guessedWebUrl(target: ProviderTarget): string {
  return `https://${target.host.host}/${target.owner}/${target.repo}`;
}

/** One call to the target's REST API, signed in. `path` follows the API's base URL. */
export function targetApi<T>(ctx: ActionContext<unknown>, target: ProviderTarget, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  return providerRequest<T>(providerName(target.host.kind), { method, url: `${target.host.apiBaseUrl}${path}`, headers: target.credentials.apiHeaders, ...(body !== undefined ? { body } : {}), signal: ctx.signal });
}

/** What `createNamed` makes, how to read it back and how to name it. */
export interface NamedCreation<T> {
  create: () => Promise<T>;
  /** Reads what exists under the name (for a step its task started before). */
  existing: () => Promise<T>;
  /** How to tell the task's own earlier attempt from someone else's repository of that name. */
  earlier: EarlierAttempt<T>;
  /** For messages: "The repository acme/api on github.com". */
  what: string;
  /** Its web address, for the step's log. */
  url: (made: T) => string;
  /** What to do when the name is taken. Default "choose another name". */
  hint?: string;
}

/** What tells a repository the task's earlier attempt made from one someone else made under the name. */
export interface EarlierAttempt<T> {
  /** When the provider says it was created (GitHub, GitLab and Gitea's `created_at`); undefined where it says nothing (Bitbucket Server). */
  createdAt: (made: T) => string | undefined;
  cloneUrl: (made: T) => string;
  credentials: GitCredentials;
  /** The branch and commit this step pushes, for a step that pushes one: its earlier attempt may have pushed it. */
  ownCommit?: () => Promise<{ branch: string; commit: string }>;
}

/**
 * Creates something whose name may be taken: the provider's refusal (409, or its "already exists") becomes
 * a 409 on `input.repoUrl` that names what exists and what to do. When the task had started this step
 * before (`ctx.rerun`: it was interrupted and resumed), the name may be its own earlier attempt's doing:
 * what exists is read back and taken as made then only when it is (`whyNotOurs`), before any setting is
 * applied to it or anything pushed; otherwise the 409 stands.
 * @example await createNamed(ctx, { create: () => targetApi(ctx, target, 'POST', '/user/repos', body), existing: () => targetApi(ctx, target, 'GET', '/repos/acme/api'), earlier: { createdAt: r => r.created_at, cloneUrl: r => r.clone_url, credentials: target.credentials.git }, what: 'The repository acme/api on github.com', url: r => r.html_url })
 */
export async function createNamed<T>(ctx: ActionContext<unknown>, creation: NamedCreation<T>): Promise<T> {
  try {
    const made = await creation.create();
    ctx.log.info(`Created ${creation.url(made)}`);
    return made;
  } catch (error) {
    if (!isPaveError(error) || error.status !== 409) throw error;
    const taken = (why: string) => conflict(`${creation.what} already exists${why}; ${creation.hint ?? 'choose another name'}`, [{ pointer: '/repoUrl', detail: 'names a repository that exists', rule: 'exists' }]);
    if (!ctx.rerun) throw taken('');
    const made = await creation.existing();
    const foreign = await whyNotOurs(ctx, creation.earlier, made);
    if (foreign) throw taken(` and is not this task's earlier attempt (${foreign})`);
    ctx.log.info(`${creation.url(made)} exists already: this task started this step before and it was made since, so it is taken as made then; going on with it`);
    return made;
  }
}

/**
 * Why a repository under the name is not the task's earlier attempt, or undefined when it may be: it must
 * have been created after the task was (to the second: providers give `created_at` in whole seconds) and
 * hold no branch, or only the commit this step pushes. A name is in the form for anyone to foresee, so
 * without this a resumed step would give its collaborators and variables to, or push into, a repository
 * someone else made first or pushed to meanwhile.
 */
async function whyNotOurs<T>(ctx: ActionContext<unknown>, earlier: EarlierAttempt<T>, made: T): Promise<string | undefined> {
  const created = earlier.createdAt(made);
  if (created !== undefined) {
    const started = Math.floor(Date.parse(ctx.task.createdAt) / 1000) * 1000;
    if (!(Date.parse(created) >= started)) return `it was created at ${created}, before this task was, at ${ctx.task.createdAt}`;
  }
  const branches = await remoteBranches(earlier.cloneUrl(made), earlier.credentials);
  if (branches.size === 0) return undefined;
  const own = earlier.ownCommit ? await earlier.ownCommit() : undefined;
  if (own && branches.size === 1 && branches.get(own.branch) === own.commit) return undefined;
  return `it holds commits this task did not push, on ${[...branches.keys()].join(', ')}`;
}

/** The answer, or undefined when the provider says there is no such thing (404). */
export async function unlessMissing<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (isPaveError(error) && error.status === 404) return undefined;
    throw error;
  }
}
