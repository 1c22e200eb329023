/**
 * The GitHub REST calls the GitHub publishers share (docs.github.com/rest): where a RepoUrlPicker value
 * points, creating a repository for an organisation (`POST /orgs/{org}/repos`) or the signed-in user
 * (`POST /user/repos`), its topics, reading it, and protecting its default branch.
 */
import { Type, type Static } from '@sinclair/typebox';
import { isPaveError } from '../../core/problem.js';
import type { ScmIntegrations } from '../../integrations/scm-integrations.js';
import type { ActionContext } from './action.js';
import { ALLOWED_HOSTS_INPUT, guessedWebUrl, createNamed, providerTarget, REPO_URL_INPUT, targetApi, TOKEN_INPUT, VISIBILITY_INPUT, type ProviderTarget } from './provider-target.js';

/** A repository as GitHub describes it (the fields Pave reads). */
export interface GithubRepository {
  html_url: string;
  clone_url: string;
  default_branch?: string;
}

/** Backstage's inputs for a new repository's settings. */
export const GITHUB_REPOSITORY_INPUTS = {
  repoUrl: REPO_URL_INPUT,
  description: Type.Optional(Type.String({ title: 'Description' })),
  homepageUrl: Type.Optional(Type.String()),
  repoVisibility: VISIBILITY_INPUT,
  deleteBranchOnMerge: Type.Optional(Type.Boolean()),
  allowMergeCommit: Type.Optional(Type.Boolean()),
  allowSquashMerge: Type.Optional(Type.Boolean()),
  allowRebaseMerge: Type.Optional(Type.Boolean()),
  allowAutoMerge: Type.Optional(Type.Boolean()),
  hasProjects: Type.Optional(Type.Boolean()),
  hasWiki: Type.Optional(Type.Boolean()),
  hasIssues: Type.Optional(Type.Boolean()),
  topics: Type.Optional(Type.Array(Type.String())),
  token: TOKEN_INPUT,
  allowedHosts: ALLOWED_HOSTS_INPUT,
};

/** Backstage's inputs for protecting the default branch once it is pushed. */
export const GITHUB_PROTECTION_INPUTS = {
  defaultBranch: Type.Optional(Type.String({ description: 'Default main', pattern: '^[A-Za-z0-9._/-]+$' })),
  protectDefaultBranch: Type.Optional(Type.Boolean({ description: 'Default true' })),
  protectEnforceAdmins: Type.Optional(Type.Boolean({ description: 'Default true' })),
  requiredApprovingReviewCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 6, description: 'Default 1' })),
  requireCodeOwnerReviews: Type.Optional(Type.Boolean()),
  dismissStaleReviews: Type.Optional(Type.Boolean()),
  requiredStatusCheckContexts: Type.Optional(Type.Array(Type.String())),
  requireBranchesToBeUpToDate: Type.Optional(Type.Boolean({ description: 'Default true' })),
};

const repositorySettings = Type.Object(GITHUB_REPOSITORY_INPUTS);
const protectionSettings = Type.Object(GITHUB_PROTECTION_INPUTS);

/** The GitHub repository a step names. */
export function githubTarget(ctx: ActionContext<unknown>, integrations: ScmIntegrations, input: { repoUrl: string; token?: string; allowedHosts?: string[] }): Promise<ProviderTarget> {
  return providerTarget(ctx, integrations, 'github', input);
}

export function githubApi<T>(ctx: ActionContext<unknown>, target: ProviderTarget, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  return targetApi<T>(ctx, target, method, path, body);
}

export function repoPath(target: ProviderTarget): string {
  return `/repos/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}`;
}

/**
 * Creates the repository: in the organisation when the owner is one, else for the signed-in user (who
 * must be the owner). A name already taken is a 409 naming the existing repository.
 */
export async function createGithubRepository(ctx: ActionContext<unknown>, target: ProviderTarget, input: Static<typeof repositorySettings>): Promise<GithubRepository> {
  const account = await githubApi<{ type?: string }>(ctx, target, 'GET', `/users/${encodeURIComponent(target.owner)}`);
  const visibility = input.repoVisibility ?? 'private';
  const body = {
    name: target.repo,
    private: visibility !== 'public',
    ...(account.type === 'Organization' ? { visibility } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.homepageUrl !== undefined ? { homepage: input.homepageUrl } : {}),
    delete_branch_on_merge: input.deleteBranchOnMerge ?? false,
    allow_merge_commit: input.allowMergeCommit ?? true,
    allow_squash_merge: input.allowSquashMerge ?? true,
    allow_rebase_merge: input.allowRebaseMerge ?? true,
    allow_auto_merge: input.allowAutoMerge ?? false,
    has_projects: input.hasProjects ?? true,
    has_wiki: input.hasWiki ?? true,
    has_issues: input.hasIssues ?? true,
  };
  const created = await createNamed(ctx, {
    create: () => githubApi<GithubRepository>(ctx, target, 'POST', account.type === 'Organization' ? `/orgs/${encodeURIComponent(target.owner)}/repos` : '/user/repos', body),
    existing: () => githubApi<GithubRepository>(ctx, target, 'GET', repoPath(target)),
    what: `The repository ${target.owner}/${target.repo} on ${target.host.host} (${guessedWebUrl(target)})`,
    url: repository => repository.html_url,
  });
  if (input.topics?.length) await githubApi(ctx, target, 'PUT', `${repoPath(target)}/topics`, { names: input.topics.map(t => t.toLowerCase()) });
  return created;
}

/**
 * Protects the pushed default branch as Backstage does (one approving review, admins included, unless
 * told otherwise). A plan or token that cannot protect branches is a warning, as in Backstage: the
 * repository is there and usable.
 */
export async function protectDefaultBranch(ctx: ActionContext<unknown>, target: ProviderTarget, branch: string, input: Static<typeof protectionSettings>): Promise<void> {
  if (input.protectDefaultBranch === false) return;
  const contexts = input.requiredStatusCheckContexts ?? [];
  try {
    await githubApi(ctx, target, 'PUT', `${repoPath(target)}/branches/${encodeURIComponent(branch)}/protection`, {
      required_status_checks: contexts.length || input.requireBranchesToBeUpToDate !== undefined ? { strict: input.requireBranchesToBeUpToDate ?? true, contexts } : null,
      enforce_admins: input.protectEnforceAdmins ?? true,
      required_pull_request_reviews: {
        required_approving_review_count: input.requiredApprovingReviewCount ?? 1,
        require_code_owner_reviews: input.requireCodeOwnerReviews ?? false,
        dismiss_stale_reviews: input.dismissStaleReviews ?? false,
      },
      restrictions: null,
    });
    ctx.log.info(`Protected ${branch}`);
  } catch (error) {
    if (!isPaveError(error)) throw error;
    ctx.log.warn(`Could not protect ${branch}: ${error.message}`);
  }
}
